import { DomainError, ErrorCode, MetricsService, MetricsSettings } from '@app/core';
import { ProviderMetrics, providerOutcomeOf } from './provider.metrics';

async function sample(core: MetricsService, line: string): Promise<string | undefined> {
  const text = await core.registry.metrics();
  return text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${line} `))
    ?.split(' ')[1];
}

describe(ProviderMetrics.name, () => {
  it("should declare its metrics on core's registry and set the breaker state one-hot", async () => {
    const core = new MetricsService(new MetricsSettings());
    const sut = new ProviderMetrics(core);

    sut.setBreakerState('deezer', 'open');
    sut.setBreakerState('deezer', 'half_open');
    sut.recordRequest('deezer', 'timeout');

    expect(await sample(core, 'chorus_provider_breaker_state{provider="deezer",state="open"}')).toBe('0');
    expect(await sample(core, 'chorus_provider_breaker_state{provider="deezer",state="half_open"}')).toBe('1');
    expect(await sample(core, 'chorus_provider_requests_total{provider="deezer",outcome="timeout"}')).toBe('1');
  });

  it('should observe without a registry when the lib runs without core metrics', () => {
    expect(() => new ProviderMetrics().observeLatency('deezer', 0.1)).not.toThrow();
  });
});

describe(providerOutcomeOf.name, () => {
  it('should map the domain error codes of a provider call to outcomes', () => {
    expect(providerOutcomeOf(new DomainError(ErrorCode.NOT_FOUND, 'x'))).toBe('not_found');
    expect(providerOutcomeOf(new DomainError(ErrorCode.RATE_LIMITED, 'x'))).toBe('rate_limited');
    expect(providerOutcomeOf(new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'x'))).toBe('unavailable');
    expect(providerOutcomeOf(new DomainError(ErrorCode.UPSTREAM_TIMEOUT, 'x'))).toBe('timeout');
    expect(providerOutcomeOf(new DomainError(ErrorCode.INTERNAL, 'x'))).toBe('error');
    expect(providerOutcomeOf(new Error('boom'))).toBe('error');
  });
});
