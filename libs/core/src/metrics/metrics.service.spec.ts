import { MetricsSettings } from './metrics.settings';
import { MetricsService } from './metrics.service';

function makeSut(): MetricsService {
  return new MetricsService(new MetricsSettings());
}

async function sample(sut: MetricsService, line: string): Promise<string | undefined> {
  const text = await sut.registry.metrics();
  return text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${line} `))
    ?.split(' ')[1];
}

describe(MetricsService.name, () => {
  it('should keep each instance on its own registry, so several apps in one process never clash', async () => {
    const first = makeSut();
    const second = makeSut();
    first.recordCacheLookup('l1', 'hit');
    expect(await sample(first, 'chorus_cache_lookups_total{layer="l1",result="hit"}')).toBe('1');
    expect(await sample(second, 'chorus_cache_lookups_total{layer="l1",result="hit"}')).toBe('0');
  });

  it('should reuse one label child per method, route and status', async () => {
    const sut = makeSut();
    sut.observeHttp('GET', '/v1/artists/:id', 200, 0.01);
    sut.observeHttp('GET', '/v1/artists/:id', 200, 0.02);
    sut.observeHttp('GET', '/v1/artists/:id', 404, 0.02);
    const base = 'http_server_request_duration_seconds_count{method="GET",route="/v1/artists/:id"';
    expect(await sample(sut, `${base},status_code="200"}`)).toBe('2');
    expect(await sample(sut, `${base},status_code="404"}`)).toBe('1');
  });

  it('should label cache results in lower case', async () => {
    const sut = makeSut();
    sut.recordCacheLookup('l2', 'error');
    expect(await sample(sut, 'chorus_cache_lookups_total{layer="l2",result="error"}')).toBe('1');
  });

  it('should report an empty pool when there is no database', async () => {
    expect(await sample(makeSut(), 'chorus_db_pool_connections_in_use')).toBe('0');
  });
});
