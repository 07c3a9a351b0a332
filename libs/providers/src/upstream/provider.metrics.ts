import { Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DomainError, ErrorCode, MetricsService } from '@app/core';

/** The provider gateway's metric names (deploy/ alert rules and the Grafana dashboard use them). */
export const PROVIDER_METRIC = {
  providerRequests: 'chorus_provider_requests_total',
  providerDuration: 'chorus_provider_request_duration_seconds',
  limiterWait: 'chorus_provider_limiter_wait_seconds',
  breakerState: 'chorus_provider_breaker_state',
} as const;

/** Upstream calls and limiter waits are slower than our own answers: up to the provider timeouts. */
const UPSTREAM_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** How one provider request (after retries) ended. */
export type ProviderOutcome = 'success' | 'not_found' | 'rate_limited' | 'unavailable' | 'timeout' | 'error';

export type BreakerStateLabel = 'closed' | 'open' | 'half_open' | 'isolated';

const BREAKER_STATES: readonly BreakerStateLabel[] = ['closed', 'open', 'half_open', 'isolated'];

/** Maps the DomainError a provider call ended with to the outcome label (anything else is `error`). */
export function providerOutcomeOf(error: unknown): ProviderOutcome {
  if (!(error instanceof DomainError)) {
    return 'error';
  }
  switch (error.code) {
    case ErrorCode.NOT_FOUND:
      return 'not_found';
    case ErrorCode.RATE_LIMITED:
      return 'rate_limited';
    case ErrorCode.UPSTREAM_UNAVAILABLE:
      return 'unavailable';
    case ErrorCode.UPSTREAM_TIMEOUT:
      return 'timeout';
    case ErrorCode.INVALID_ARGUMENT:
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.PERMISSION_DENIED:
    case ErrorCode.ALREADY_EXISTS:
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
    case ErrorCode.INTERNAL:
      return 'error';
  }
}

/**
 * The provider gateway's metrics, on core's registry. Without core's MetricsService (the providers module
 * tested on its own) they are kept on no registry: observed, never exported.
 */
@Injectable()
export class ProviderMetrics {
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly limiterWait: Histogram<string>;
  private readonly breakerState: Gauge<string>;

  constructor(@Optional() core?: MetricsService) {
    const registers: Registry[] = core ? [core.registry] : [];
    this.requests = new Counter({
      name: PROVIDER_METRIC.providerRequests,
      help: 'Requests to metadata providers (after retries), by provider and outcome.',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: PROVIDER_METRIC.providerDuration,
      help: 'Round trip of one HTTP attempt to a provider, in seconds.',
      labelNames: ['provider'],
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.limiterWait = new Histogram({
      name: PROVIDER_METRIC.limiterWait,
      help: 'Time a provider call waited for its rate-limit slot, in seconds.',
      labelNames: ['provider'],
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.breakerState = new Gauge({
      name: PROVIDER_METRIC.breakerState,
      help: 'Circuit breaker state per provider: 1 for the current state, 0 for the others.',
      labelNames: ['provider', 'state'],
      registers,
    });
  }

  /** One provider request as the caller saw it (after retries and the breaker). */
  recordRequest(provider: string, outcome: ProviderOutcome): void {
    this.requests.labels(provider, outcome).inc();
  }

  /** The round trip of one HTTP attempt to a provider. */
  observeLatency(provider: string, seconds: number): void {
    this.duration.labels(provider).observe(seconds);
  }

  observeLimiterWait(provider: string, seconds: number): void {
    this.limiterWait.labels(provider).observe(seconds);
  }

  /** Sets the one-hot breaker state of a provider (1 on `state`, 0 on the others). */
  setBreakerState(provider: string, state: BreakerStateLabel): void {
    for (const candidate of BREAKER_STATES) {
      this.breakerState.labels(provider, candidate).set(candidate === state ? 1 : 0);
    }
  }
}
