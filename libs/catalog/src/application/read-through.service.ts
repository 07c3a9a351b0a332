import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Answers,
  BackgroundWork,
  CacheService,
  Clock,
  databaseSettings,
  DomainError,
  ErrorCode,
  type Answer,
  type DatabaseSettings,
} from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { MissRepository } from '../persistence/miss.repository';
import { expiryFrom, REMEMBERED_MISSING, type Loaded, type Stored } from '../persistence/stored';
import { SingleFlight, type EarlyLock } from './single-flight.service';
import { CatalogMetrics } from './catalog.metrics';

export interface ReadSpec<T> {
  /** One question: cache key, single-flight key and "not found" key at once. */
  key: string;
  ttlSeconds: number;
  notFoundTtlSeconds: number;
  /** The stored row; a load that also checks catalog_misses answers REMEMBERED_MISSING for a known "not found". */
  load(): Promise<Loaded<T>>;
  /** True when `load` checks catalog_misses itself, so the read path does not ask again. */
  loadSeesMisses?: boolean;
  fetch(): Promise<T>;
  /** False for an answer given but not kept (built while a source was down), so the next question asks again. */
  keep?(value: T): boolean;
  /** Writes the answer in one transaction. */
  save(value: T, expiresAt: Date): Promise<void>;
}

/** What a provider answered (or another replica wrote meanwhile) and when it stops being fresh (ms). */
interface Fetched<T> {
  value: T;
  expiresAt: number;
}

interface Cached<T> {
  value?: T;
  missing?: true;
  expiresAt: number;
}

/**
 * The catalog's read path (DESIGN.md): memory and Redis, then PostgreSQL, then the provider under single
 * flight. A stale row is answered at once and refreshed in the background; when the provider fails, stale
 * data is answered (marked STALE) and only a question never answered before fails. The answer says how fresh
 * it is (an `Answer<T>`); what that means for headers or metadata is the transport's business.
 */
@Injectable()
export class ReadThrough {
  private readonly logger = new Logger(ReadThrough.name);

  constructor(
    private readonly cache: CacheService,
    private readonly misses: MissRepository,
    private readonly flight: SingleFlight,
    private readonly metrics: CatalogMetrics,
    private readonly clock: Clock,
    private readonly background: BackgroundWork,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
    @Inject(databaseSettings.KEY) private readonly databaseConfig: DatabaseSettings,
  ) {}

  async read<T>(spec: ReadSpec<T>): Promise<Answer<T>> {
    // A warm answer is read from memory before anything is awaited: no promise chain through the cache layers.
    const local = this.cache.getLocal<Cached<T>>(spec.key);
    const answer =
      local && local.value.expiresAt > this.clock.nowMs()
        ? this.fromCache(spec.key, local.value)
        : await this.answer(spec, local !== undefined);
    this.metrics.recordAnswer(answer.freshness);
    return answer;
  }

  /**
   * What the cache or the catalog already holds, never asking a provider: undefined for a question never
   * answered (or, with `staleAsCold`, answered long enough ago to ask again). A stale row is otherwise answered
   * and refreshed in the background, as `read` does. Batch lookups ask this first and gather the rest.
   */
  async peek<T>(
    spec: ReadSpec<T>,
    options: { staleAsCold?: boolean; cacheAsked?: boolean } = {},
  ): Promise<Answer<T> | undefined> {
    // `cacheAsked`: the caller's `peekCachedMany` found nothing fresh there a moment ago.
    const cached = options.cacheAsked ? undefined : await this.peekCached<T>(spec.key);
    if (cached) {
      return cached;
    }
    const loaded = await this.database(() => this.stored(spec));
    if (loaded !== undefined && loaded !== REMEMBERED_MISSING && loaded.expiresAt.getTime() <= this.clock.nowMs()) {
      if (options.staleAsCold) {
        return undefined;
      }
      this.refreshInBackground(spec);
    }
    return loaded === undefined ? undefined : this.counted(this.settle(spec, loaded));
  }

  /** The memory or Redis answer to `key`, if fresh: a warm batch entry costs no read spec and no query. */
  async peekCached<T>(key: string): Promise<Answer<T> | undefined> {
    const cached = await this.cache.get<Cached<T>>(key);
    if (cached && cached.value.expiresAt > this.clock.nowMs()) {
      return this.counted(this.fromCache(key, cached.value));
    }
    return undefined;
  }

  /**
   * `peekCached` for many keys with one multi-get (memory, then one Redis round trip for the rest): per key, the
   * fresh answer, the remembered "not found" as its error, or undefined when neither is cached.
   */
  async peekCachedMany<T>(keys: readonly string[]): Promise<Array<Answer<T> | DomainError | undefined>> {
    const cached = await this.cache.getMany<Cached<T>>(keys);
    const now = this.clock.nowMs();
    let hits = 0;
    const answers = cached.map((hit, i): Answer<T> | DomainError | undefined => {
      if (!hit || hit.value.expiresAt <= now) {
        return undefined;
      }
      if (hit.value.missing || hit.value.value === undefined) {
        return DomainError.notFound(`Not found: ${keys[i]}`);
      }
      hits += 1;
      return Answers.of(hit.value.value, 'HIT', hit.value.expiresAt);
    });
    this.metrics.recordAnswer('HIT', hits);
    return answers;
  }

  /** Keeps an answer fetched outside `read` (a batch's search) in the memory and Redis layers. */
  keep<T>(key: string, value: T, expiresAt: number): void {
    this.remember(key, { value, expiresAt });
  }

  private counted<T>(answer: Answer<T>): Answer<T> {
    this.metrics.recordAnswer(answer.freshness);
    return answer;
  }

  /** `cacheAsked`: memory already held the key (expired there), and a cache hit never asks Redis too. */
  private async answer<T>(spec: ReadSpec<T>, cacheAsked: boolean): Promise<Answer<T>> {
    const cached = cacheAsked ? undefined : await this.cache.get<Cached<T>>(spec.key);
    if (cached && cached.value.expiresAt > this.clock.nowMs()) {
      return this.fromCache(spec.key, cached.value);
    }
    // Not in any cache: the row query and the lock a first-time question needs go out together.
    const early = this.flight.lockEarly(spec.key);
    let loaded: Loaded<T>;
    try {
      loaded = await this.database(() => this.stored(spec));
    } catch (error) {
      early.release();
      throw error;
    }
    if (loaded === undefined) {
      const fetched = await this.fetchOnce(spec, early);
      return Answers.of(fetched.value, 'MISS', fetched.expiresAt);
    }
    if (loaded === REMEMBERED_MISSING || loaded.expiresAt.getTime() > this.clock.nowMs()) {
      early.release();
    } else {
      // The refresh asks the provider again: it takes over the lock asked for above.
      this.refreshInBackground(spec, early);
    }
    return this.settle(spec, loaded);
  }

  /** A stored row (or remembered "not found") as an answer; a fresh one is also put in the cache. */
  private settle<T>(spec: ReadSpec<T>, loaded: Stored<T> | typeof REMEMBERED_MISSING): Answer<T> {
    if (loaded === REMEMBERED_MISSING) {
      this.remember(spec.key, {
        missing: true,
        expiresAt: this.clock.nowMs() + catalogTtls(this.settings).miss * 1000,
      });
      throw DomainError.notFound(`Not found: ${spec.key}`);
    }
    const expiresAt = loaded.expiresAt.getTime();
    if (expiresAt > this.clock.nowMs()) {
      this.remember(spec.key, { value: loaded.value, expiresAt });
      return Answers.of(loaded.value, 'HIT', expiresAt);
    }
    return Answers.of(loaded.value, 'STALE', expiresAt);
  }

  /**
   * The stored row, REMEMBERED_MISSING for a remembered "not found", or undefined for a question never answered.
   * catalog_misses is asked here only when the load did not look itself.
   */
  private async stored<T>(spec: ReadSpec<T>): Promise<Loaded<T>> {
    const loaded = await spec.load();
    if (loaded === undefined && !spec.loadSeesMisses && (await this.misses.isMissing(spec.key))) {
      return REMEMBERED_MISSING;
    }
    return loaded;
  }

  /** Drops one answer from every layer (admin purge). */
  async forget(key: string): Promise<void> {
    await this.cache.delete(key);
    await this.misses.forget(key);
  }

  /** Drops every remembered "not found" under a key prefix from every layer (admin purge of paged answers). */
  async forgetMissesUnder(prefix: string): Promise<void> {
    for (const key of await this.database(() => this.misses.forgetUnder(prefix))) {
      await this.cache.delete(key);
    }
  }

  private fromCache<T>(key: string, cached: Cached<T>): Answer<T> {
    if (cached.missing || cached.value === undefined) {
      throw DomainError.notFound(`Not found: ${key}`);
    }
    return Answers.of(cached.value, 'HIT', cached.expiresAt);
  }

  /** The provider's answer under single flight, and when it stops being fresh. */
  private fetchOnce<T>(spec: ReadSpec<T>, early?: EarlyLock): Promise<Fetched<T>> {
    return this.flight.run(
      spec.key,
      () => this.fetchAndSave(spec),
      () => this.peekFresh(spec),
      early,
    );
  }

  private async fetchAndSave<T>(spec: ReadSpec<T>): Promise<Fetched<T>> {
    let value: T;
    try {
      value = await spec.fetch();
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
        await this.recordMissing(spec);
      }
      throw error;
    }
    if (spec.keep?.(value) === false) {
      return { value, expiresAt: 0 };
    }
    const expiresAt = expiryFrom(spec.ttlSeconds, this.clock.nowMs());
    await this.database(() => spec.save(value, expiresAt));
    this.remember(spec.key, { value, expiresAt: expiresAt.getTime() });
    return { value, expiresAt: expiresAt.getTime() };
  }

  private async peekFresh<T>(spec: ReadSpec<T>): Promise<Fetched<T> | undefined> {
    const loaded = await this.stored(spec).catch(() => undefined);
    if (loaded === REMEMBERED_MISSING) {
      throw DomainError.notFound(`Not found: ${spec.key}`);
    }
    const expiresAt = loaded?.expiresAt.getTime() ?? 0;
    return loaded && expiresAt > this.clock.nowMs() ? { value: loaded.value, expiresAt } : undefined;
  }

  /** Tracked, so shutdown waits for it before closing the pools; none starts once shutdown has begun. */
  private refreshInBackground<T>(spec: ReadSpec<T>, early?: EarlyLock): void {
    const refresh = this.background.track(() => this.fetchOnce(spec, early));
    if (refresh === undefined) {
      early?.release();
      return;
    }
    refresh.catch((error: unknown) => {
      this.logger.warn({ msg: 'background refresh failed', key: spec.key, error: (error as Error).message });
    });
  }

  private async recordMissing<T>(spec: ReadSpec<T>): Promise<void> {
    const expiresAt = expiryFrom(spec.notFoundTtlSeconds, this.clock.nowMs());
    await this.database(() => this.misses.record(spec.key, expiresAt));
    this.remember(spec.key, { missing: true, expiresAt: expiresAt.getTime() });
  }

  /**
   * Not awaited: the answer is already safe in PostgreSQL (or is a "not found"), and the cache write, Redis
   * included, only speeds up the next question. CacheService never rejects on Redis trouble.
   */
  private remember<T>(key: string, entry: Cached<T>): void {
    this.cache.set(key, entry, entry.expiresAt - this.clock.nowMs()).catch((error: unknown) => {
      this.logger.warn({ msg: 'cache write failed', key, error: (error as Error).message });
    });
  }

  /** PostgreSQL being away turns into UNAVAILABLE for the caller, never into a 500. */
  async database<R>(operation: () => Promise<R>): Promise<R> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      this.logger.warn({ msg: 'catalog database error', error: (error as Error).message });
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The catalog database is unavailable', {
        retryAfterSeconds: this.databaseConfig.DB_RETRY_AFTER_SECONDS,
        cause: error,
      });
    }
  }
}
