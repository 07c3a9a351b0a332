import { Inject, Injectable, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SqlClient, type PoolCounts } from '../database/sql.client';
import { DomainError, ErrorCode } from '../errors/domain-error';
import {
  BREAKER_STATES,
  LATENCY_BUCKETS,
  METRIC,
  UPSTREAM_BUCKETS,
  type BreakerStateLabel,
  type CacheLayerLabel,
  type CacheResultLabel,
  type CatalogFreshnessLabel,
  type LoginOutcome,
  type ProviderOutcome,
} from './metric-names';
import { metricsSettings, type MetricsSettings } from './metrics.settings';

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

type Observer = Histogram.Internal<string>;
type Increment = Counter.Internal;

/** A child with a known, fixed label set, exported as 0 from the start so rate() sees its first increase. */
function zeroed(child: Increment): Increment {
  child.inc(0);
  return child;
}

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
    case ErrorCode.INTERNAL:
      return 'error';
  }
}

/**
 * All of Chorus's Prometheus metrics, on a registry of this app's own (not prom-client's global one), so
 * several apps booted in one process never clash. Observations go to label children cached on first use,
 * so the hot path only looks up a Map and observes: no label hashing, no allocation.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly enabled: boolean;

  private readonly httpDuration: Histogram<string>;
  private readonly httpChildren = new Map<string, Map<string, Map<number, Observer>>>();
  private readonly grpcStarted: Counter<string>;
  private readonly grpcHandled: Counter<string>;
  private readonly grpcHandling: Histogram<string>;
  private readonly providerRequests: Counter<string>;
  private readonly providerDuration: Histogram<string>;
  private readonly limiterWait: Histogram<string>;
  private readonly breakerState: Gauge<string>;
  private readonly cacheChildren: Record<CacheLayerLabel, Record<CacheResultLabel, Increment>>;
  private readonly catalogChildren: Record<CatalogFreshnessLabel, Increment>;
  private readonly loginChildren: Record<LoginOutcome, Increment>;
  private readonly refreshReuse: Counter<string>;

  constructor(
    @Inject(metricsSettings.KEY) settings: MetricsSettings,
    @Optional() private readonly sql?: SqlClient,
  ) {
    this.enabled = settings.METRICS_ENABLED;
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: METRIC.httpDuration,
      help: 'Duration of HTTP requests, by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.grpcStarted = new Counter({
      name: METRIC.grpcStarted,
      help: 'Total number of RPCs started on the server.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_type'],
      registers,
    });
    this.grpcHandled = new Counter({
      name: METRIC.grpcHandled,
      help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_type', 'grpc_code'],
      registers,
    });
    this.grpcHandling = new Histogram({
      name: METRIC.grpcHandlingSeconds,
      help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.providerRequests = new Counter({
      name: METRIC.providerRequests,
      help: 'Requests to metadata providers (after retries), by provider and outcome.',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.providerDuration = new Histogram({
      name: METRIC.providerDuration,
      help: 'Round trip of one HTTP attempt to a provider, in seconds.',
      labelNames: ['provider'],
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.limiterWait = new Histogram({
      name: METRIC.limiterWait,
      help: 'Time a provider call waited for its rate-limit slot, in seconds.',
      labelNames: ['provider'],
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.breakerState = new Gauge({
      name: METRIC.breakerState,
      help: 'Circuit breaker state per provider: 1 for the current state, 0 for the others.',
      labelNames: ['provider', 'state'],
      registers,
    });
    const cacheLookups = new Counter({
      name: METRIC.cacheLookups,
      help: 'Cache lookups by layer (l1 memory, l2 Redis) and result.',
      labelNames: ['layer', 'result'],
      registers,
    });
    const cacheRow = (layer: CacheLayerLabel): Record<CacheResultLabel, Increment> => ({
      hit: zeroed(cacheLookups.labels(layer, 'hit')),
      miss: zeroed(cacheLookups.labels(layer, 'miss')),
      error: zeroed(cacheLookups.labels(layer, 'error')),
    });
    this.cacheChildren = { l1: cacheRow('l1'), l2: cacheRow('l2') };
    const catalogAnswers = new Counter({
      name: METRIC.catalogAnswers,
      help: 'Catalog answers by freshness: hit (cache or fresh row), miss (fetched from a provider), stale.',
      labelNames: ['freshness'],
      registers,
    });
    this.catalogChildren = {
      HIT: zeroed(catalogAnswers.labels('hit')),
      MISS: zeroed(catalogAnswers.labels('miss')),
      STALE: zeroed(catalogAnswers.labels('stale')),
    };
    const logins = new Counter({
      name: METRIC.authLogins,
      help: 'Login attempts by outcome: success, failure (bad credentials), throttled.',
      labelNames: ['outcome'],
      registers,
    });
    this.loginChildren = {
      success: zeroed(logins.labels('success')),
      failure: zeroed(logins.labels('failure')),
      throttled: zeroed(logins.labels('throttled')),
    };
    this.refreshReuse = new Counter({
      name: METRIC.authRefreshReuse,
      help: 'Refresh tokens presented again after rotation (possible theft); the session is revoked.',
      registers,
    });
    this.registerPoolGauges(registers);
    if (this.enabled) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named like counters, which `promtool check metrics` rejects; `sum(nodejs_active_handles)`
      // (and _requests, _resources), which prom-client also exposes by type, gives the same numbers.
      for (const name of LINT_FAILING_DEFAULTS) {
        this.registry.removeSingleMetric(name);
      }
    }
  }

  /** The text exposition format, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** One finished HTTP request; `route` is the route template (never the raw URL), or `unmatched`. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    let byRoute = this.httpChildren.get(method);
    if (!byRoute) {
      byRoute = new Map();
      this.httpChildren.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let observer = byStatus.get(statusCode);
    if (!observer) {
      observer = this.httpDuration.labels(method, route, String(statusCode));
      byStatus.set(statusCode, observer);
    }
    observer.observe(seconds);
  }

  /** Label children for one gRPC method, made once per method by the server interceptor. */
  grpcMethod(service: string, method: string, type: string): GrpcMethodMetrics {
    const handled = new Map<string, Increment>();
    return {
      started: this.grpcStarted.labels(service, method, type),
      handling: this.grpcHandling.labels(service, method, type),
      handled: (code: string) => {
        let child = handled.get(code);
        if (!child) {
          child = this.grpcHandled.labels(service, method, type, code);
          handled.set(code, child);
        }
        return child;
      },
    };
  }

  /** One provider request as the caller saw it (after retries and the breaker). */
  recordProviderRequest(provider: string, outcome: ProviderOutcome): void {
    this.providerRequests.labels(provider, outcome).inc();
  }

  /** The round trip of one HTTP attempt to a provider. */
  observeProviderLatency(provider: string, seconds: number): void {
    this.providerDuration.labels(provider).observe(seconds);
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

  recordCacheLookup(layer: CacheLayerLabel, result: CacheResultLabel): void {
    this.cacheChildren[layer][result].inc();
  }

  recordCatalogAnswer(freshness: CatalogFreshnessLabel): void {
    this.catalogChildren[freshness].inc();
  }

  recordLogin(outcome: LoginOutcome): void {
    this.loginChildren[outcome].inc();
  }

  recordRefreshReuse(): void {
    this.refreshReuse.inc();
  }

  /** Pool gauges read on scrape, so they cost nothing between scrapes. */
  private registerPoolGauges(registers: Registry[]): void {
    const pool = (): PoolCounts | undefined => this.sql?.poolCounts();
    new Gauge({
      name: METRIC.dbPoolInUse,
      help: 'PostgreSQL pool connections checked out by a query or transaction.',
      registers,
      collect() {
        const counts = pool();
        this.set(counts ? counts.total - counts.idle : 0);
      },
    });
    new Gauge({
      name: METRIC.dbPoolIdle,
      help: 'PostgreSQL pool connections open and idle.',
      registers,
      collect() {
        this.set(pool()?.idle ?? 0);
      },
    });
    new Gauge({
      name: METRIC.dbPoolWaiting,
      help: 'Queries waiting for a free PostgreSQL pool connection.',
      registers,
      collect() {
        this.set(pool()?.waiting ?? 0);
      },
    });
  }
}

export interface GrpcMethodMetrics {
  started: Increment;
  handling: Observer;
  handled(code: string): Increment;
}
