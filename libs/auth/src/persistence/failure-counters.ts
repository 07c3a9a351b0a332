import { Inject, Injectable } from '@nestjs/common';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import type { RedisClientType } from '@redis/client';
import { RedisConnection, redisSettings, SqlClient, type RedisSettings } from '@app/core';

/** The table rate-limiter-flexible's PostgreSQL store uses (created by a migration, in its own layout). */
export const RATE_LIMIT_TABLE = 'auth_rate_limits';

/** A key's count in its current window. */
export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

const ZERO: WindowCount = { count: 0, resetInMs: 0 };

function toCount(res: RateLimiterRes | null): WindowCount {
  return res ? { count: res.consumedPoints, resetInMs: Math.max(0, res.msBeforeNext) } : ZERO;
}

/** Where a counter kept in Redis lives, so that several can be read in one round trip (readCounts). */
export interface RedisCounterStore {
  client: RedisClientType;
  /** The library's Redis limiter: its key names (`getKey`) are the keys read. */
  limiter: RateLimiterRedis;
  /** What the library falls back on when Redis fails: PostgreSQL, then memory. */
  insurance: RateLimiterAbstract;
  timeoutMs: number;
}

/** One kind of count (failures per address, registrations per address…) in fixed windows of `durationSec`. */
export class FailureCounter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    readonly redis?: RedisCounterStore,
  ) {}

  async read(key: string): Promise<WindowCount> {
    return toCount(await this.limiter.get(key));
  }

  /** Counts `points` more (the window starts with the first); never refuses, the caller compares. */
  async add(key: string, points = 1): Promise<WindowCount> {
    return toCount(await this.limiter.penalty(key, points));
  }

  /** Takes back points counted up front for an attempt that turned out not to be a failure. */
  async takeBack(key: string, points = 1): Promise<void> {
    if (points > 0) {
      await this.limiter.reward(key, points);
    }
  }

  /** True only for the caller that really removed a count (of concurrent clears, exactly one). */
  async clear(key: string): Promise<boolean> {
    return (await this.limiter.delete(key)) === true;
  }
}

/** A window as the library's Redis store reads it: GET (points) and PTTL of the key; no key is no count. */
function fromRedis(points: unknown, ttlMs: unknown): WindowCount {
  return typeof points === 'string' || typeof points === 'number'
    ? { count: parseInt(String(points), 10), resetInMs: Math.max(0, Number(ttlMs)) }
    : ZERO;
}

async function readRedis(
  store: RedisCounterStore,
  reads: ReadonlyArray<readonly [FailureCounter, string]>,
): Promise<WindowCount[]> {
  if (!store.client.isReady) {
    throw new Error('Redis connection is not ready');
  }
  const pipeline = store.client.multi();
  for (const [counter, key] of reads) {
    const rlKey = (counter.redis as RedisCounterStore).limiter.getKey(key);
    pipeline.get(rlKey).pTTL(rlKey);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Operation timed out')), store.timeoutMs);
  });
  try {
    const replies = (await Promise.race([pipeline.execAsPipeline(), timeout])) as unknown[];
    return reads.map((_, i) => fromRedis(replies[2 * i], replies[2 * i + 1]));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads several counters at once. Counters kept in the same Redis are read in one pipeline (GET and PTTL of each
 * key under the library's own key names, what its `get` sends, in one round trip instead of one per counter and
 * limiter); if Redis is not ready, fails or is slower than REDIS_TIMEOUT_MS, each is read from the store the
 * library falls back on, as its `get` would. Other counters are read one by one.
 */
export async function readCounts(reads: ReadonlyArray<readonly [FailureCounter, string]>): Promise<WindowCount[]> {
  const store = reads[0]?.[0].redis;
  if (!store || reads.some(([counter]) => counter.redis?.client !== store.client)) {
    return Promise.all(reads.map(([counter, key]) => counter.read(key)));
  }
  try {
    return await readRedis(store, reads);
  } catch {
    return Promise.all(
      reads.map(async ([counter, key]) => toCount(await (counter.redis as RedisCounterStore).insurance.get(key))),
    );
  }
}

/** rate-limiter-flexible's PostgreSQL store speaks node-postgres' `query(config)`; this routes it through SqlClient. */
function pgStore(sql: SqlClient): { query(config: { text: string; values?: unknown[] }): Promise<unknown> } {
  return {
    query: async ({ text, values }) => {
      // Its deletes return no rows; whether one removed a row is the affected-row count.
      if (/^\s*DELETE/i.test(text)) {
        return { rows: [], rowCount: await sql.execute(text, values ?? []) };
      }
      const rows = await sql.query<Record<string, unknown>>(text, values ?? []);
      return { rows, rowCount: rows.length };
    },
  };
}

/**
 * rate-limiter-flexible's login-protection layout: counters in Redis, shared by every replica; when Redis is
 * absent, down or slower than REDIS_TIMEOUT_MS, in PostgreSQL (RATE_LIMIT_TABLE), still shared; and should that
 * fail too, in this process's memory, so the limits never vanish. The stores do not share counts: an outage
 * starts the next store from zero, which lets at most one more window's worth of attempts through.
 */
@Injectable()
export class FailureCounters {
  constructor(
    private readonly redis: RedisConnection,
    private readonly sql: SqlClient,
    @Inject(redisSettings.KEY) private readonly redisConfig: RedisSettings,
  ) {}

  /** `name` keeps kinds apart in every store; windows are fixed, starting with a key's first point. */
  counter(name: string, durationSec: number): FailureCounter {
    const options = { keyPrefix: name, points: Number.MAX_SAFE_INTEGER, duration: durationSec };
    const memory = new RateLimiterMemory(options);
    const postgres = new RateLimiterPostgres({
      ...options,
      storeClient: pgStore(this.sql),
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      insuranceLimiter: memory,
    });
    const client = this.redis.client;
    if (!client) {
      return new FailureCounter(postgres);
    }
    const redis = new RateLimiterRedis({
      ...options,
      keyPrefix: `${this.redisConfig.REDIS_KEY_PREFIX}auth:${name}`,
      storeClient: client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
    });
    const timeoutMs = this.redisConfig.REDIS_TIMEOUT_MS;
    return new FailureCounter(new RLWrapperTimeouts({ limiter: redis, timeoutMs, insuranceLimiter: postgres }), {
      client,
      limiter: redis,
      insurance: postgres,
      timeoutMs,
    });
  }
}
