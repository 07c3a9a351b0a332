import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { ProviderMetrics } from './provider.metrics';
import { UpstreamFailure } from './upstream-failure';
import { PROVIDER_NAMES, type ProviderName } from '../domain/music.model';
import { providersSettings, type ProvidersSettings } from '../providers.settings';
import { Clock } from '@app/core';

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

interface ProviderPolicy {
  breaker: CircuitBreakerPolicy;
  retry: RetryPolicy;
  openedAt?: number;
  /** The failure that opened the breaker, so a caller turned away fast still learns the cause. */
  openedBy?: string;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Retry and circuit breaker per provider (cockatiel). Retries only idempotent calls, only on connection
 * errors, 502/503/504 and 429, with exponential backoff and jitter, or exactly the provider's Retry-After
 * when it sent one (a Retry-After beyond PROVIDER_RETRY_MAX_DELAY_MS is not waited for). The breaker opens
 * after PROVIDER_BREAKER_FAILURES consecutive failures and lets one probe through after the half-open delay.
 */
@Injectable()
export class ProviderPolicies {
  private readonly logger = new Logger(ProviderPolicies.name);
  private readonly policies = new Map<ProviderName, ProviderPolicy>();

  constructor(
    @Inject(providersSettings.KEY) private readonly settings: ProvidersSettings,
    private readonly clock: Clock,
    private readonly metrics: ProviderMetrics,
  ) {
    for (const name of PROVIDER_NAMES) {
      this.policies.set(name, this.build(name));
    }
  }

  execute<T>(provider: ProviderName, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
    const policy = this.policy(provider);
    if (!idempotent) {
      return policy.breaker.execute(fn);
    }
    return policy.retry.execute(() => policy.breaker.execute(fn));
  }

  state(provider: ProviderName): BreakerState {
    return STATE_NAMES[this.policy(provider).breaker.state];
  }

  /** Time until an open breaker lets a probe through (for Retry-After). */
  msUntilProbe(provider: ProviderName): number | undefined {
    const { openedAt } = this.policy(provider);
    if (openedAt === undefined || this.state(provider) !== 'open') {
      return undefined;
    }
    return Math.max(0, openedAt + this.settings.PROVIDER_BREAKER_HALF_OPEN_AFTER_MS - this.clock.nowMs());
  }

  /** What the last failure before the breaker opened said (e.g. "connection failed (ENOTFOUND, ...)"). */
  openedBy(provider: ProviderName): string | undefined {
    return this.state(provider) === 'open' ? this.policy(provider).openedBy : undefined;
  }

  private policy(provider: ProviderName): ProviderPolicy {
    const policy = this.policies.get(provider);
    if (!policy) {
      throw new Error(`unknown provider ${provider}`);
    }
    return policy;
  }

  private build(name: ProviderName): ProviderPolicy {
    const s = this.settings;
    const breaker = circuitBreaker(
      handleWhen((error) => error instanceof UpstreamFailure && error.breaksCircuit),
      {
        halfOpenAfter: s.PROVIDER_BREAKER_HALF_OPEN_AFTER_MS,
        breaker: new ConsecutiveBreaker(s.PROVIDER_BREAKER_FAILURES),
      },
    );
    const shouldRetry = (error: Error): boolean =>
      error instanceof UpstreamFailure && error.retryable && (error.retryAfterMs ?? 0) <= s.PROVIDER_RETRY_MAX_DELAY_MS;
    const policy: ProviderPolicy = {
      breaker,
      retry: retry(handleWhen(shouldRetry), {
        maxAttempts: Math.max(0, s.PROVIDER_RETRY_ATTEMPTS - 1),
        backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => this.delay(context)),
      }),
    };
    breaker.onBreak((reason) => {
      policy.openedAt = this.clock.nowMs();
      policy.openedBy = 'error' in reason ? reason.error.message : undefined;
      // Without this line an operator sees only 503s in the access log and never why the provider is shunned.
      const seconds = Math.ceil(s.PROVIDER_BREAKER_HALF_OPEN_AFTER_MS / 1000);
      const cause = policy.openedBy === undefined ? '' : ` (last: ${policy.openedBy})`;
      this.logger.warn(
        `${name}: ${s.PROVIDER_BREAKER_FAILURES} calls in a row failed${cause}; not asked again for ${seconds} s (circuit open)`,
      );
    });
    this.metrics.setBreakerState(name, 'closed');
    breaker.onStateChange((state) => this.metrics.setBreakerState(name, STATE_NAMES[state]));
    return policy;
  }

  private delay(context: IRetryBackoffContext<unknown>): number {
    const error = 'error' in context.result ? context.result.error : undefined;
    if (error instanceof UpstreamFailure && error.retryAfterMs !== undefined) {
      return error.retryAfterMs;
    }
    const { PROVIDER_RETRY_BASE_DELAY_MS: base, PROVIDER_RETRY_MAX_DELAY_MS: max } = this.settings;
    const ceiling = Math.min(max, base * 2 ** (context.attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
