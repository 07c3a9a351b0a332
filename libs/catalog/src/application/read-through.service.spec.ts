import {
  AppSettings,
  BackgroundWork,
  DatabaseSettings,
  DomainError,
  ErrorCode,
  FakeClock,
  type CacheService,
  type RedisConnection,
  type RedisSettings,
} from '@app/core';
import { CatalogSettings } from '../catalog.settings';
import type { MissRepository } from '../persistence/miss.repository';
import { REMEMBERED_MISSING, type Loaded } from '../persistence/stored';
import { ReadThrough, type ReadSpec } from './read-through.service';
import type { CatalogMetrics } from './catalog.metrics';
import { SingleFlight } from './single-flight.service';

const NOW = Date.UTC(2026, 1, 1, 12);
const TTL_SECONDS = 600;

/** The two cache layers as one map; an entry is there until its TTL runs out on the fake clock. */
class FakeCache {
  private readonly entries = new Map<string, { value: unknown; until: number }>();

  constructor(private readonly clock: FakeClock) {}

  getLocal<T>(key: string) {
    const entry = this.entries.get(key);
    const live = entry !== undefined && entry.until > this.clock.nowMs();
    return live ? { value: entry.value as T, layer: 'l1' as const } : undefined;
  }

  get<T>(key: string) {
    return Promise.resolve(this.getLocal<T>(key));
  }

  set<T>(key: string, value: T, ttlMs: number) {
    this.entries.set(key, { value, until: this.clock.nowMs() + ttlMs });
    return Promise.resolve();
  }

  delete(key: string) {
    this.entries.delete(key);
    return Promise.resolve();
  }

  clear(): void {
    this.entries.clear();
  }
}

class FakeMisses {
  readonly keys = new Set<string>();

  isMissing(key: string) {
    return Promise.resolve(this.keys.has(key));
  }

  record(key: string) {
    this.keys.add(key);
    return Promise.resolve();
  }

  forget(key: string) {
    this.keys.delete(key);
    return Promise.resolve();
  }
}

/** The catalog table behind one question, and a provider whose answers the test controls. */
class FakeSource {
  row: Loaded<string>;
  providerCalls = 0;
  providerAnswer: () => Promise<string> = () => Promise.resolve('from provider');
  private saved?: () => void;

  /** Resolves on the next save (a background refresh finishing). */
  nextSave(): Promise<void> {
    return new Promise((resolve) => (this.saved = resolve));
  }

  spec(): ReadSpec<string> {
    return {
      key: 'artist:deezer:1',
      ttlSeconds: TTL_SECONDS,
      notFoundTtlSeconds: 60,
      load: () => Promise.resolve(this.row),
      fetch: () => {
        this.providerCalls += 1;
        return this.providerAnswer();
      },
      save: (value, expiresAt) => {
        this.row = { value, expiresAt };
        this.saved?.();
        return Promise.resolve();
      },
    };
  }

  storedAt(value: string, expiresAt: number): void {
    this.row = { value, expiresAt: new Date(expiresAt) };
  }
}

describe(ReadThrough.name, () => {
  let clock: FakeClock;
  let cache: FakeCache;
  let misses: FakeMisses;
  let source: FakeSource;
  let answers: string[];
  let background: BackgroundWork;
  let sut: ReadThrough;

  beforeEach(() => {
    clock = new FakeClock(NOW);
    cache = new FakeCache(clock);
    misses = new FakeMisses();
    source = new FakeSource();
    answers = [];
    // No Redis: single flight within the process, which is what these cases need.
    const redis = { ready: false, run: () => Promise.resolve(undefined) } as unknown as RedisConnection;
    const flight = new SingleFlight(
      redis,
      { REDIS_KEY_PREFIX: 'test:' } as RedisSettings,
      { CATALOG_LOCK_TTL_MS: 1_000 } as CatalogSettings,
      clock,
    );
    const metrics = {
      recordAnswer: (freshness: string) => answers.push(freshness),
    } as unknown as CatalogMetrics;
    background = new BackgroundWork(new AppSettings(), new DatabaseSettings(), clock);
    sut = new ReadThrough(
      cache as unknown as CacheService,
      misses as unknown as MissRepository,
      flight,
      metrics,
      clock,
      background,
      new CatalogSettings(),
      new DatabaseSettings(),
    );
  });

  it('should answer a first-time question from the provider as a MISS, fresh for the TTL', async () => {
    const answer = await sut.read(source.spec());
    expect(answer).toEqual({
      value: 'from provider',
      freshness: 'MISS',
      freshUntil: NOW + TTL_SECONDS * 1_000,
      status: 'COMPLETE',
      failures: [],
    });
    expect(source.providerCalls).toBe(1);
  });

  it('should answer a value it must not keep (built while a source was down) without saving or caching it', async () => {
    const spec = { ...source.spec(), keep: (value: string) => value !== 'partial' };
    source.providerAnswer = () => Promise.resolve('partial');
    expect(await sut.read(spec)).toMatchObject({ value: 'partial', freshness: 'MISS', freshUntil: 0 });
    expect(source.row).toBeUndefined();
    source.providerAnswer = () => Promise.resolve('whole');
    expect(await sut.read(spec)).toMatchObject({ value: 'whole', freshness: 'MISS' });
    expect(source.providerCalls).toBe(2);
  });

  it('should answer a fresh row as a HIT and keep it in the cache, never asking the provider', async () => {
    source.storedAt('stored', NOW + 5_000);
    expect(await sut.read(source.spec())).toMatchObject({ value: 'stored', freshness: 'HIT', freshUntil: NOW + 5_000 });
    source.row = undefined; // answered from the cache from now on
    expect(await sut.read(source.spec())).toMatchObject({ value: 'stored', freshness: 'HIT' });
    expect(source.providerCalls).toBe(0);
    expect(answers).toEqual(['HIT', 'HIT']);
  });

  it('should answer a stale row at once and refresh it in the background', async () => {
    source.storedAt('old', NOW - 1);
    source.providerAnswer = () => Promise.resolve('new');
    const refreshed = source.nextSave();
    const answer = await sut.read(source.spec());
    expect(answer).toMatchObject({ value: 'old', freshness: 'STALE', freshUntil: NOW - 1 });
    await refreshed;
    expect(source.providerCalls).toBe(1);
    expect(await sut.read(source.spec())).toMatchObject({ value: 'new', freshness: 'HIT' });
  });

  it('should have shutdown wait for a background refresh, and start none once shutdown has begun', async () => {
    source.storedAt('old', NOW - 1);
    let answer!: (value: string) => void;
    source.providerAnswer = () => new Promise((resolve) => (answer = resolve));
    expect(await sut.read(source.spec())).toMatchObject({ value: 'old', freshness: 'STALE' });
    expect(background.size).toBe(1);

    const settled = background.settled();
    answer('new');
    await settled;
    expect(source.row).toMatchObject({ value: 'new' });

    source.storedAt('old again', NOW - 1);
    cache.clear();
    expect(await sut.read(source.spec())).toMatchObject({ value: 'old again', freshness: 'STALE' });
    expect(background.size).toBe(0);
    expect(source.providerCalls).toBe(1);
  });

  it('should answer stale data when the provider is down, and UPSTREAM_UNAVAILABLE when there is none', async () => {
    const down = new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'deezer is down');
    source.providerAnswer = () => Promise.reject(down);
    source.storedAt('old', NOW - 1);
    expect(await sut.read(source.spec())).toMatchObject({ value: 'old', freshness: 'STALE' });

    source.row = undefined;
    cache.clear();
    await expect(sut.read(source.spec())).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
  });

  it('should remember a "not found" and not ask the provider again until it expires', async () => {
    source.providerAnswer = () => Promise.reject(DomainError.notFound('no such artist'));
    await expect(sut.read(source.spec())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(sut.read(source.spec())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(source.providerCalls).toBe(1);
    expect(misses.keys.has('artist:deezer:1')).toBe(true);
  });

  it('should answer a miss remembered in PostgreSQL as NOT_FOUND without asking the provider', async () => {
    source.row = REMEMBERED_MISSING;
    await expect(sut.read(source.spec())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(source.providerCalls).toBe(0);
  });

  it('should ask the provider once for many concurrent first-time questions', async () => {
    let answer!: (value: string) => void;
    source.providerAnswer = () => new Promise((resolve) => (answer = resolve));
    const reads = Array.from({ length: 5 }, () => sut.read(source.spec()));
    await new Promise((resolve) => setImmediate(resolve));
    answer('once');
    const all = await Promise.all(reads);
    expect(all.map((a) => a.value)).toEqual(Array(5).fill('once'));
    expect(source.providerCalls).toBe(1);
  });

  it('should treat a cached answer past its freshness on the clock as gone', async () => {
    source.storedAt('stored', NOW + 1_000);
    await sut.read(source.spec());
    clock.advance(2_000);
    source.providerAnswer = () => Promise.resolve('again');
    const refreshed = source.nextSave();
    expect(await sut.read(source.spec())).toMatchObject({ value: 'stored', freshness: 'STALE' });
    await refreshed;
  });
});
