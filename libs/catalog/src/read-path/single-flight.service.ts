import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RedisConnection, redisSettings, type RedisSettings } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const POLL_MS = 50;

type LockOutcome = 'acquired' | 'held' | 'no-redis';

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
  ) {}

  run<T>(key: string, work: () => Promise<T>, peek: () => Promise<T | undefined>): Promise<T> {
    const existing = this.inflight.get(key) as Promise<T> | undefined;
    if (existing) {
      return existing;
    }
    const promise = this.across(key, work, peek).finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private async across<T>(key: string, work: () => Promise<T>, peek: () => Promise<T | undefined>): Promise<T> {
    const lockKey = `${this.redisConfig.REDIS_KEY_PREFIX}lock:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + this.settings.CATALOG_LOCK_TTL_MS;
    while (Date.now() < deadline) {
      const outcome = await this.lock(lockKey, token);
      if (outcome !== 'held') {
        try {
          return await work();
        } finally {
          if (outcome === 'acquired') {
            // Not awaited: the answer is saved, so waiters find it either way; a lost release expires by itself.
            void this.redis.run((client) => client.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [token] }));
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
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
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
