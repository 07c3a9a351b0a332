import { Inject, Injectable, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SqlClient, type PoolCounts } from '../database/sql.client';
import { LATENCY_BUCKETS, METRIC, type CacheLayerLabel, type CacheResultLabel } from './metric-names';
import { metricsSettings, type MetricsSettings } from './metrics.settings';

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

type Observer = Histogram.Internal<string>;
type Increment = Counter.Internal;

/** A child with a known, fixed label set, exported as 0 from the start so rate() sees its first increase. */
export function zeroed(child: Increment): Increment {
  child.inc(0);
  return child;
}

/**
 * The app's Prometheus registry (its own, not prom-client's global one, so several apps booted in one process
 * never clash) with core's own metrics: HTTP, gRPC, cache and database pool. Each lib declares its metrics on
 * `registry` in a class of its own (ProviderMetrics, CatalogMetrics, AuthMetrics). Label children are cached on
 * first use, which saves building them per call; prom-client 15 still validates and hashes the label set on every
 * observe/inc of a child (histogram.js `observe(labels)`), so each observation costs that much.
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
  private readonly cacheChildren: Record<CacheLayerLabel, Record<CacheResultLabel, Increment>>;

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

  /** `count` lookups with one result at once (a batch's multi-get counts each key). */
  recordCacheLookup(layer: CacheLayerLabel, result: CacheResultLabel, count = 1): void {
    if (count > 0) {
      this.cacheChildren[layer][result].inc(count);
    }
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
