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

/**
 * Counters for the HTTP cache. Lookups are counted in plain numbers and added to the counter when it is read
 * (its collect()): prom-client validates and hashes the label set on every inc() of a child, which was a
 * measurable part of a hit's CPU, and a scrape sees the same totals.
 */
@Injectable()
export class HttpCacheMetrics {
  private pendingHits = 0;
  private pendingMisses = 0;
  private readonly stores: Counter<string>;
  private readonly evictions: Counter<string>;
  private bytes: () => number = () => 0;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    const flush = (): void => {
      hits.inc(this.pendingHits);
      misses.inc(this.pendingMisses);
      this.pendingHits = 0;
      this.pendingMisses = 0;
    };
    const lookups = new Counter({
      name: HTTP_CACHE_METRIC.lookups,
      help: 'HTTP cache lookups of cacheable requests (GET/HEAD, no credentials, a known route), by result.',
      labelNames: ['result'],
      registers,
      collect: flush,
    });
    const hits = zeroed(lookups.labels('hit'));
    const misses = zeroed(lookups.labels('miss'));
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
    this.pendingHits += 1;
  }

  miss(): void {
    this.pendingMisses += 1;
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
