import { MetricsService, MetricsSettings } from '@app/core';
import { AuthMetrics } from './auth.metrics';

async function sample(core: MetricsService, line: string): Promise<string | undefined> {
  const text = await core.registry.metrics();
  return text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${line} `))
    ?.split(' ')[1];
}

describe(AuthMetrics.name, () => {
  it('should count bad credentials under the failure label the alert rules read, from zero', async () => {
    const core = new MetricsService(new MetricsSettings());
    const sut = new AuthMetrics(core);

    sut.recordLogin('bad_credentials');

    expect(await sample(core, 'chorus_auth_logins_total{outcome="failure"}')).toBe('1');
    expect(await sample(core, 'chorus_auth_logins_total{outcome="throttled"}')).toBe('0');
  });

  it("should keep each app's counts on that app's registry", async () => {
    const first = new MetricsService(new MetricsSettings());
    const second = new MetricsService(new MetricsSettings());
    new AuthMetrics(first).recordLogin('success');
    new AuthMetrics(second);

    expect(await sample(first, 'chorus_auth_logins_total{outcome="success"}')).toBe('1');
    expect(await sample(second, 'chorus_auth_logins_total{outcome="success"}')).toBe('0');
  });
});
