import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, RedisConnection, redisSettings, type RedisSettings } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const POLL_MS = 50;

type LockOutcome = 'acquired' | 'held' | 'no-redis';

/**
 * The cross-replica lock asked for early, while the caller still reads PostgreSQL: on a first-time question the
 * lock's Redis round trip then overlaps the row query instead of following it. Either handed to `run`, or
 * released when the row turned out to be there.
 */
export interface EarlyLock {
  readonly outcome: Promise<LockOutcome>;
  /** Set when a lock was asked for. */
  readonly token?: string;
  release(): void;
}

const HELD: Promise<LockOutcome> = Promise.resolve('held');
const NO_REDIS: Promise<LockOutcome> = Promise.resolve('no-redis');
const nothingToRelease = (): void => undefined;

/**
 * Runs one piece of work per key at a time: concurrent callers in this process share one promise, and with
 * Redis a short lock makes other replicas wait for the holder's answer (read back through `peek`) instead of
 * asking the provider again. Without Redis, or when Redis fails, it degrades to per-process single flight.
 */
@Injectable()
export class SingleFlight {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisConnection,
    @Inject(redisSettings.KEY) private readonly redisConfig: RedisSettings,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Asks for the lock of `key` now. No lock is asked while this process already runs the work for the key
   * (its callers join that run); a Redis failure is 'no-redis', as in `run`.
   */
  lockEarly(key: string): EarlyLock {
    // Without Redis (every lookup served from PostgreSQL in that setup) this costs no id, key or round trip.
    if (this.inflight.has(key) || !this.redis.ready) {
      return { outcome: this.inflight.has(key) ? HELD : NO_REDIS, release: nothingToRelease };
    }
    const token = randomUUID();
    const lockKey = this.lockKey(key);
    const outcome = this.lock(lockKey, token);
    const release = (): void => {
      void outcome.then((taken) => taken === 'acquired' && this.unlock(lockKey, token));
    };
    return { outcome, token, release };
  }

  run<T>(key: string, work: () => Promise<T>, peek: () => Promise<T | undefined>, early?: EarlyLock): Promise<T> {
    const existing = this.inflight.get(key) as Promise<T> | undefined;
    if (existing) {
      early?.release();
      return existing;
    }
    const promise = this.across(key, work, peek, early).finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private async across<T>(
    key: string,
    work: () => Promise<T>,
    peek: () => Promise<T | undefined>,
    early?: EarlyLock,
  ): Promise<T> {
    const lockKey = this.lockKey(key);
    const token = early?.token ?? randomUUID();
    const deadline = this.clock.nowMs() + this.settings.CATALOG_LOCK_TTL_MS;
    let pending = early?.outcome;
    while (this.clock.nowMs() < deadline) {
      const outcome = await (pending ?? this.lock(lockKey, token));
      pending = undefined;
      if (outcome !== 'held') {
        try {
          return await work();
        } finally {
          if (outcome === 'acquired') {
            // Not awaited: the answer is saved, so waiters find it either way; a lost release expires by itself.
            this.unlock(lockKey, token);
          }
        }
      }
      const answered = await this.waitForHolder(lockKey, peek, deadline);
      if (answered !== undefined) {
        return answered;
      }
    }
    // The holder took longer than its lock allows; do the work rather than fail the caller.
    return work();
  }

  private lockKey(key: string): string {
    return `${this.redisConfig.REDIS_KEY_PREFIX}lock:${key}`;
  }

  private unlock(lockKey: string, token: string): void {
    void this.redis.run((client) => client.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [token] }));
  }

  private async lock(lockKey: string, token: string): Promise<LockOutcome> {
    const reply = await this.redis.run((client) =>
      client.set(lockKey, token, {
        condition: 'NX',
        expiration: { type: 'PX', value: this.settings.CATALOG_LOCK_TTL_MS },
      }),
    );
    if (reply === undefined) {
      return 'no-redis';
    }
    return reply === 'OK' ? 'acquired' : 'held';
  }

  /** Polls for the other replica's answer until it appears, the lock goes away, or time runs out. */
  private async waitForHolder<T>(lockKey: string, peek: () => Promise<T | undefined>, deadline: number) {
    while (this.clock.nowMs() < deadline) {
      await this.clock.sleep(POLL_MS);
      const value = await peek();
      if (value !== undefined) {
        return value;
      }
      const held = await this.redis.run((client) => client.exists(lockKey));
      if (held !== 1) {
        return undefined;
      }
    }
    return undefined;
  }
}
