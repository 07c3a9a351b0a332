import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService, zeroed } from '../metrics/metrics.service';

/** The HTTP cache's own vocabulary, declared on the registry core's MetricsService provides. */
export const HTTP_CACHE_METRIC = {
  lookups: 'chorus_http_cache_lookups_total',
  stores: 'chorus_http_cache_stores_total',
  evictions: 'chorus_http_cache_evictions_total',
  bytes: 'chorus_http_cache_bytes',
} as const;

/** Counters for the HTTP cache; label children are made once, so a hit only increments. */
@Injectable()
export class HttpCacheMetrics {
  private readonly hits: Counter.Internal;
  private readonly misses: Counter.Internal;
  private readonly stores: Counter<string>;
  private readonly evictions: Counter<string>;
  private bytes: () => number = () => 0;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    const lookups = new Counter({
      name: HTTP_CACHE_METRIC.lookups,
      help: 'HTTP cache lookups of cacheable requests (GET/HEAD, no credentials, a known route), by result.',
      labelNames: ['result'],
      registers,
    });
    this.hits = zeroed(lookups.labels('hit'));
    this.misses = zeroed(lookups.labels('miss'));
    this.stores = new Counter({
      name: HTTP_CACHE_METRIC.stores,
      help: 'Answers the HTTP cache kept.',
      registers,
    });
    this.evictions = new Counter({
      name: HTTP_CACHE_METRIC.evictions,
      help: 'Answers the HTTP cache dropped to stay within HTTP_CACHE_MAX_BYTES.',
      registers,
    });
    const bytes = (): number => this.bytes();
    new Gauge({
      name: HTTP_CACHE_METRIC.bytes,
      help: 'Bytes the HTTP cache holds, as counted against HTTP_CACHE_MAX_BYTES.',
      registers,
      collect() {
        this.set(bytes());
      },
    });
  }

  hit(): void {
    this.hits.inc();
  }

  miss(): void {
    this.misses.inc();
  }

  stored(): void {
    this.stores.inc();
  }

  evicted(): void {
    this.evictions.inc();
  }

  watchBytes(bytes: () => number): void {
    this.bytes = bytes;
  }
}
