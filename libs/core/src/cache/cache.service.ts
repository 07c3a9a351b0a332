import { Inject, Injectable } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { CacheableMemory } from 'cacheable';
import { redisSettings, type RedisSettings } from '../config/core.settings';
import { HttpCache } from '../http-cache/http-cache';
import { MetricsService } from '../metrics/metrics.service';
import { isTracingEnabled, withSpan } from '../tracing/tracing';
import { RedisConnection } from './redis.connection';

type Store = Cache['stores'][number];

export type CacheLayer = 'l1' | 'l2';

/** One shared object: span attributes must not allocate per lookup when tracing is off. */
const GET_SPAN_ATTRIBUTES = { 'cache.operation': 'get' } as const;
const GET_MANY_SPAN_ATTRIBUTES = { 'cache.operation': 'get_many' } as const;

export interface CacheHit<T> {
  value: T;
  layer: CacheLayer;
}

/**
 * Two layers behind cache-manager: L1 in process memory (short TTL, so replicas converge), L2 Redis (shared).
 * Every Redis step is bounded by REDIS_TIMEOUT_MS and a failure is a miss, so Redis can vanish mid-run
 * without a request failing or waiting.
 */
@Injectable()
export class CacheService {
  private readonly l2?: Store;
  /** CACHE_L1_TTL_MS=0 or CACHE_L1_MAX_ITEMS=0 turns the in-process layer off (every read goes to Redis). */
  private readonly l1Enabled: boolean;

  constructor(
    @Inject(CACHE_MANAGER) cache: Cache,
    private readonly l1: CacheableMemory,
    private readonly redis: RedisConnection,
    @Inject(redisSettings.KEY) private readonly settings: RedisSettings,
    private readonly metrics: MetricsService,
    private readonly httpCache: HttpCache,
  ) {
    // Without Redis, cache-manager holds a default store of its own, which is not a layer of ours.
    this.l2 = redis.client ? cache.stores[0] : undefined;
    this.l1Enabled = settings.CACHE_L1_TTL_MS > 0 && settings.CACHE_L1_MAX_ITEMS > 0;
  }

  get<T>(key: string): Promise<CacheHit<T> | undefined> {
    return withSpan('cache get', GET_SPAN_ATTRIBUTES, () => this.lookup<T>(key));
  }

  /**
   * The in-process layer's hit, synchronously, so a warm read awaits nothing; undefined means "ask `get`" (which
   * counts the L1 miss). While tracing runs, undefined: the read goes through `get` and its span.
   */
  getLocal<T>(key: string): CacheHit<T> | undefined {
    if (!this.l1Enabled || isTracingEnabled()) {
      return undefined;
    }
    const local = this.l1.get<T>(key);
    if (local === undefined || local === null) {
      return undefined;
    }
    this.metrics.recordCacheLookup('l1', 'hit');
    return { value: local, layer: 'l1' };
  }

  private async lookup<T>(key: string): Promise<CacheHit<T> | undefined> {
    const local = this.l1Enabled ? (this.l1.get<T>(key) ?? undefined) : undefined;
    if (local !== undefined) {
      this.metrics.recordCacheLookup('l1', 'hit');
      return { value: local, layer: 'l1' };
    }
    this.metrics.recordCacheLookup('l1', 'miss');
    if (!this.l2) {
      return undefined;
    }
    let failed = false;
    const shared = await this.fromRedis(
      (l2) => l2.get<T>(this.shared(key)),
      () => (failed = true),
    );
    const missed = shared === undefined || shared === null;
    this.metrics.recordCacheLookup('l2', failed ? 'error' : missed ? 'miss' : 'hit');
    if (missed) {
      return undefined;
    }
    if (this.l1Enabled) {
      this.l1.set(key, shared, this.settings.CACHE_L1_TTL_MS);
    }
    return { value: shared, layer: 'l2' };
  }

  /**
   * `get` for many keys at once, one hit or undefined per key in order: one pass over L1, then one Redis MGET
   * for the keys L1 lacks (a batch lookup would otherwise make one span, one promise chain and one Redis round
   * trip per key). Redis hits are put in L1, as `get` does.
   */
  getMany<T>(keys: readonly string[]): Promise<Array<CacheHit<T> | undefined>> {
    return withSpan('cache get many', GET_MANY_SPAN_ATTRIBUTES, () => this.lookupMany<T>(keys));
  }

  private async lookupMany<T>(keys: readonly string[]): Promise<Array<CacheHit<T> | undefined>> {
    const hits = new Array<CacheHit<T> | undefined>(keys.length).fill(undefined);
    const absent: number[] = [];
    // One `get` per key rather than the store's `getMany`, which first copies the keys and collects its own list.
    for (let i = 0; i < keys.length; i += 1) {
      const value = this.l1Enabled ? this.l1.get<T>(keys[i]) : undefined;
      if (value === undefined || value === null) {
        absent.push(i);
      } else {
        hits[i] = { value, layer: 'l1' };
      }
    }
    this.metrics.recordCacheLookup('l1', 'hit', keys.length - absent.length);
    this.metrics.recordCacheLookup('l1', 'miss', absent.length);
    if (absent.length > 0 && this.l2) {
      await this.fillFromRedis(keys, absent, hits);
    }
    return hits;
  }

  /** The keys at `absent` from Redis in one MGET, into `hits` and L1. */
  private async fillFromRedis<T>(
    keys: readonly string[],
    absent: readonly number[],
    hits: Array<CacheHit<T> | undefined>,
  ): Promise<void> {
    let failed = false;
    const shared =
      (await this.fromRedis(
        (l2) => l2.getMany<T>(absent.map((i) => this.shared(keys[i]))),
        () => (failed = true),
      )) ?? [];
    if (failed) {
      this.metrics.recordCacheLookup('l2', 'error', absent.length);
      return;
    }
    let found = 0;
    for (const [n, i] of absent.entries()) {
      const value = shared[n];
      if (value === undefined || value === null) {
        continue;
      }
      found += 1;
      hits[i] = { value, layer: 'l2' };
      if (this.l1Enabled) {
        this.l1.set(keys[i], value, this.settings.CACHE_L1_TTL_MS);
      }
    }
    this.metrics.recordCacheLookup('l2', 'hit', found);
    this.metrics.recordCacheLookup('l2', 'miss', absent.length - found);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) {
      return;
    }
    if (this.l1Enabled) {
      this.l1.set(key, value, Math.min(ttlMs, this.settings.CACHE_L1_TTL_MS));
    }
    await this.fromRedis((l2) => l2.set(this.shared(key), value, ttlMs));
  }

  async delete(key: string): Promise<void> {
    this.l1.delete(key);
    await this.fromRedis((l2) => l2.delete(this.shared(key)));
  }

  /** Only this process's L1 and the HTTP cache (benchmarks and tests that must reach the lower tiers). */
  clearLocal(): Promise<void> {
    this.httpCache.clear();
    this.l1.clear();
    return Promise.resolve();
  }

  private shared(key: string): string {
    return this.settings.REDIS_KEY_PREFIX + key;
  }

  /** Every L2 step goes through RedisConnection's bounded call: absent, down or slow Redis is a miss. */
  private async fromRedis<T>(operation: (l2: Store) => Promise<T>, onFailure?: () => void): Promise<T | undefined> {
    const l2 = this.l2;
    if (!l2) {
      onFailure?.();
      return undefined;
    }
    try {
      return await this.redis.runOrThrow(() => operation(l2));
    } catch {
      onFailure?.();
      return undefined;
    }
  }
}
