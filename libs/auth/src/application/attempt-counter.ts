import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisConnection, redisSettings, type RedisSettings } from '@app/core';
import { ThrottleCounterRepository, type WindowCount } from '../persistence/throttle-counter.repository';

export type { WindowCount } from '../persistence/throttle-counter.repository';

/** How often (1 in N increments) the PostgreSQL fallback purges long-expired windows. */
const PURGE_EVERY = 200;

/**
 * Fixed-window attempt counters: in Redis when it answers within REDIS_TIMEOUT_MS, otherwise in PostgreSQL, so
 * brute-force limits hold while the cache is away. (The two stores do not share counts: an outage starts the
 * fallback from zero, which at most lets one extra window's worth of attempts through.)
 */
@Injectable()
export class AttemptCounter {
  private readonly logger = new Logger(AttemptCounter.name);
  private increments = 0;
  private usingFallback = false;
  /** Until when this process may have windows counted in PostgreSQL (last fallback use + that window). */
  private fallbackWindowsUntil = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly fallback: ThrottleCounterRepository,
    @Inject(redisSettings.KEY) private readonly redisConfig: RedisSettings,
  ) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    return (await this.incrementEach([key], windowMs))[0];
  }

  /** Counts one attempt on each key: one Redis round trip for all of them. */
  async incrementEach(keys: readonly string[], windowMs: number): Promise<WindowCount[]> {
    try {
      const replies = await this.redis.runOrThrow((client) => {
        const multi = client.multi();
        for (const key of keys) {
          const redisKey = this.redisKey(key);
          multi.incr(redisKey).pExpire(redisKey, windowMs, 'NX').pTTL(redisKey);
        }
        return multi.exec();
      });
      this.noteStore(false);
      return keys.map((_key, i) => ({
        count: Number(replies[i * 3]),
        resetInMs: Math.max(0, Number(replies[i * 3 + 2])),
      }));
    } catch {
      this.noteStore(true);
      this.fallbackWindowsUntil = Math.max(this.fallbackWindowsUntil, Date.now() + windowMs);
      this.increments += 1;
      if (this.increments % PURGE_EVERY === 0) {
        await this.fallback.purgeExpired();
      }
      return Promise.all(keys.map((key) => this.fallback.increment(key, windowMs)));
    }
  }

  /** Takes one attempt back (a success that had been counted up front). */
  async decrement(key: string): Promise<void> {
    const redisKey = this.redisKey(key);
    const done = await this.redis.run(async (client) => {
      await client.eval(DECREMENT_IF_POSITIVE, { keys: [redisKey] });
      return true;
    });
    if (!done) {
      await this.fallback.decrement(key);
    }
  }

  /** A success: clears `resetKey`'s count and takes one attempt back from `takeBackKey`, in one Redis call. */
  async resetAndTakeBack(resetKey: string, takeBackKey: string): Promise<void> {
    const done = await this.redis.run(async (client) => {
      await client.eval(RESET_AND_TAKE_BACK, { keys: [this.redisKey(resetKey), this.redisKey(takeBackKey)] });
      return true;
    });
    if (!done) {
      this.noteStore(true);
      await Promise.all([this.fallback.reset(resetKey), this.fallback.decrement(takeBackKey)]);
      return;
    }
    // Clear the fallback too while a window this process counted there during an outage may be open: it must
    // not outlive a success. (Not on every success: that was one PostgreSQL round trip per login for nothing.
    // A window another replica counted there lapses on its own, and that replica clears it on its successes.)
    if (Date.now() < this.fallbackWindowsUntil) {
      await this.fallback.reset(resetKey);
    }
  }

  private redisKey(key: string): string {
    return `${this.redisConfig.REDIS_KEY_PREFIX}auth:throttle:${key}`;
  }

  private noteStore(fallback: boolean): void {
    if (fallback !== this.usingFallback && this.redis.configured) {
      this.logger.warn(
        fallback ? 'login limits counted in PostgreSQL (Redis unavailable)' : 'login limits back on Redis',
      );
    }
    this.usingFallback = fallback;
  }
}

/** Lua: takes one from `key`'s count unless it is already zero (a lapsed window is not made negative). */
const decrementIfPositive = (key: string): string => `
local value = tonumber(redis.call('GET', ${key}) or '0')
if value > 0 then return redis.call('DECR', ${key}) end
return 0`;

const DECREMENT_IF_POSITIVE = decrementIfPositive('KEYS[1]');

const RESET_AND_TAKE_BACK = `redis.call('DEL', KEYS[1])${decrementIfPositive('KEYS[2]')}`;
