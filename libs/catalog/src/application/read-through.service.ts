import { Injectable, Logger } from '@nestjs/common';
import { CacheService, DomainError, ErrorCode, MetricsService, requestContext } from '@app/core';
import { MissRepository } from '../persistence/miss.repository';
import { expiryFrom, REMEMBERED_MISSING, type Loaded } from '../persistence/stored';
import { SingleFlight, type EarlyLock } from './single-flight.service';

export type Freshness = 'HIT' | 'MISS' | 'STALE';

export interface Answer<T> {
  value: T;
  freshness: Freshness;
  /** When this answer stops being fresh (ms since epoch); 0 for one that was not kept. */
  freshUntil: number;
}

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

/** An answer and when it stops being fresh (ms since epoch). */
type TimedAnswer<T> = Omit<Answer<T>, 'freshUntil'> & { expiresAt: number };

interface Cached<T> {
  value?: T;
  missing?: true;
  expiresAt: number;
}

/**
 * The catalog's read path (DESIGN.md): memory and Redis, then PostgreSQL, then the provider under single
 * flight. A stale row is answered at once and refreshed in the background; when the provider fails, stale
 * data is answered (marked STALE) and only a question never answered before fails.
 */
@Injectable()
export class ReadThrough {
  private readonly logger = new Logger(ReadThrough.name);

  constructor(
    private readonly cache: CacheService,
    private readonly misses: MissRepository,
    private readonly flight: SingleFlight,
    private readonly metrics: MetricsService,
  ) {}

  async read<T>(spec: ReadSpec<T>): Promise<Answer<T>> {
    let timed: TimedAnswer<T>;
    try {
      timed = await this.answer(spec);
    } catch (error) {
      // An answer built around a failed read (a PARTIAL search) must be asked again, never replayed.
      requestContext.limitFreshness(0);
      throw error;
    }
    const { expiresAt, ...answer } = timed;
    this.metrics.recordCatalogAnswer(answer.freshness);
    // An answer built from this read may be replayed (core's replay caches) only while this read is fresh.
    requestContext.limitFreshness(expiresAt);
    return { ...answer, freshUntil: expiresAt };
  }

  private async answer<T>(spec: ReadSpec<T>): Promise<TimedAnswer<T>> {
    const cached = await this.cache.get<Cached<T>>(spec.key);
    if (cached && cached.value.expiresAt > Date.now()) {
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
      const value = await this.fetchOnce(spec, early);
      const expiresAt = spec.keep?.(value) === false ? 0 : expiryFrom(spec.ttlSeconds).getTime();
      return { value, freshness: 'MISS', expiresAt };
    }
    if (loaded === REMEMBERED_MISSING) {
      early.release();
      this.remember(spec.key, { missing: true, expiresAt: Date.now() + 60_000 });
      throw DomainError.notFound(`Not found: ${spec.key}`);
    }
    const expiresAt = loaded.expiresAt.getTime();
    if (expiresAt > Date.now()) {
      early.release();
      this.remember(spec.key, { value: loaded.value, expiresAt });
      return { value: loaded.value, freshness: 'HIT', expiresAt };
    }
    // The refresh asks the provider again: it takes over the lock asked for above.
    this.refreshInBackground(spec, early);
    return { value: loaded.value, freshness: 'STALE', expiresAt };
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

  private fromCache<T>(key: string, cached: Cached<T>): TimedAnswer<T> {
    if (cached.missing || cached.value === undefined) {
      throw DomainError.notFound(`Not found: ${key}`);
    }
    return { value: cached.value, freshness: 'HIT', expiresAt: cached.expiresAt };
  }

  private fetchOnce<T>(spec: ReadSpec<T>, early?: EarlyLock): Promise<T> {
    return this.flight.run(
      spec.key,
      () => this.fetchAndSave(spec),
      () => this.peekFresh(spec),
      early,
    );
  }

  private async fetchAndSave<T>(spec: ReadSpec<T>): Promise<T> {
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
      return value;
    }
    const expiresAt = expiryFrom(spec.ttlSeconds);
    await this.database(() => spec.save(value, expiresAt));
    this.remember(spec.key, { value, expiresAt: expiresAt.getTime() });
    return value;
  }

  private async peekFresh<T>(spec: ReadSpec<T>): Promise<T | undefined> {
    const loaded = await this.stored(spec).catch(() => undefined);
    if (loaded === REMEMBERED_MISSING) {
      throw DomainError.notFound(`Not found: ${spec.key}`);
    }
    return loaded && loaded.expiresAt.getTime() > Date.now() ? loaded.value : undefined;
  }

  private refreshInBackground<T>(spec: ReadSpec<T>, early?: EarlyLock): void {
    this.fetchOnce(spec, early).catch((error: unknown) => {
      this.logger.warn({ msg: 'background refresh failed', key: spec.key, error: (error as Error).message });
    });
  }

  private async recordMissing<T>(spec: ReadSpec<T>): Promise<void> {
    const expiresAt = expiryFrom(spec.notFoundTtlSeconds);
    await this.database(() => this.misses.record(spec.key, expiresAt));
    this.remember(spec.key, { missing: true, expiresAt: expiresAt.getTime() });
  }

  /**
   * Not awaited: the answer is already safe in PostgreSQL (or is a "not found"), and the cache write, Redis
   * included, only speeds up the next question. CacheService never rejects on Redis trouble.
   */
  private remember<T>(key: string, entry: Cached<T>): void {
    this.cache.set(key, entry, entry.expiresAt - Date.now()).catch((error: unknown) => {
      this.logger.warn({ msg: 'cache write failed', key, error: (error as Error).message });
    });
  }

  /** PostgreSQL being away turns into UNAVAILABLE for the caller, never into a 500. */
  private async database<R>(operation: () => Promise<R>): Promise<R> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      this.logger.warn({ msg: 'catalog database error', error: (error as Error).message });
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The catalog database is unavailable', {
        retryAfterSeconds: 5,
        cause: error,
      });
    }
  }
}
