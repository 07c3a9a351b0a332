import { RedisSettings, type RedisConnection } from '@app/core';
import type { ThrottleCounterRepository, WindowCount } from '../persistence/throttle-counter.repository';
import { AttemptCounter } from './attempt-counter';

/** A stand-in for node-redis's MULTI: records the keys counted and answers `replies` on exec. */
function fakeMulti(replies: number[], keys: string[] = []) {
  const multi = {
    incr: (key: string) => (keys.push(key), multi),
    pExpire: () => multi,
    pTTL: () => multi,
    exec: () => Promise.resolve(replies),
  };
  return multi;
}

describe(AttemptCounter.name, () => {
  const fallbackCounts = new Map<string, number>();
  const fallback = {
    increment: (key: string): Promise<WindowCount> => {
      fallbackCounts.set(key, (fallbackCounts.get(key) ?? 0) + 1);
      return Promise.resolve({ count: fallbackCounts.get(key) ?? 0, resetInMs: 1000 });
    },
    purgeExpired: () => Promise.resolve(),
  } as unknown as ThrottleCounterRepository;

  beforeEach(() => fallbackCounts.clear());

  it('should count in PostgreSQL when Redis does not answer', async () => {
    const redis = {
      configured: true,
      runOrThrow: () => Promise.reject(new Error('redis unavailable')),
    } as unknown as RedisConnection;
    const sut = new AttemptCounter(redis, fallback, new RedisSettings());
    await sut.increment('k', 1000);
    expect(await sut.increment('k', 1000)).toEqual({ count: 2, resetInMs: 1000 });
  });

  it('should count in Redis under the key prefix when it answers', async () => {
    const keys: string[] = [];
    const multi = fakeMulti([3, 1, 750], keys);
    const redis = {
      configured: true,
      runOrThrow: (operation: (client: unknown) => Promise<unknown>) => operation({ multi: () => multi }),
    } as unknown as RedisConnection;
    const sut = new AttemptCounter(redis, fallback, Object.assign(new RedisSettings(), { REDIS_KEY_PREFIX: 'p:' }));
    expect(await sut.increment('login:ip:1.2.3.4', 1000)).toEqual({ count: 3, resetInMs: 750 });
    expect(keys).toEqual(['p:auth:throttle:login:ip:1.2.3.4']);
    expect(fallbackCounts.size).toBe(0);
  });

  it('should count several keys in one Redis round trip, each with its own count and window', async () => {
    const keys: string[] = [];
    const multi = fakeMulti([4, 1, 700, 9, 0, 300], keys);
    let calls = 0;
    const redis = {
      configured: true,
      runOrThrow: (operation: (client: unknown) => Promise<unknown>) => (
        (calls += 1),
        operation({ multi: () => multi })
      ),
    } as unknown as RedisConnection;
    const sut = new AttemptCounter(redis, fallback, new RedisSettings());
    expect(await sut.incrementEach(['a', 'b'], 1000)).toEqual([
      { count: 4, resetInMs: 700 },
      { count: 9, resetInMs: 300 },
    ]);
    expect(calls).toBe(1);
    expect(keys).toHaveLength(2);
  });

  describe('resetAndTakeBack', () => {
    const resets: string[] = [];
    const trackingFallback = {
      ...fallback,
      increment: fallback.increment,
      reset: (key: string) => (resets.push(key), Promise.resolve()),
      decrement: () => Promise.resolve(),
    } as unknown as ThrottleCounterRepository;
    let redisUp = true;
    const multi = fakeMulti([1, 1, 900]);
    const client = { multi: () => multi, eval: () => Promise.resolve(1) };
    const redis = {
      configured: true,
      runOrThrow: (operation: (c: unknown) => Promise<unknown>) =>
        redisUp ? operation(client) : Promise.reject(new Error('redis unavailable')),
      run: (operation: (c: unknown) => Promise<unknown>) => (redisUp ? operation(client) : Promise.resolve(undefined)),
    } as unknown as RedisConnection;

    beforeEach(() => {
      resets.length = 0;
      redisUp = true;
    });

    it('should not touch PostgreSQL on a success while everything was counted in Redis', async () => {
      const sut = new AttemptCounter(redis, trackingFallback, new RedisSettings());
      await sut.increment('k', 60_000);
      await sut.resetAndTakeBack('k', 'ip');
      expect(resets).toEqual([]);
    });

    it('should clear PostgreSQL too while a window counted there during an outage may be open', async () => {
      const sut = new AttemptCounter(redis, trackingFallback, new RedisSettings());
      redisUp = false;
      await sut.increment('k', 60_000);
      redisUp = true;
      await sut.resetAndTakeBack('k', 'ip');
      expect(resets).toEqual(['k']);
    });

    it('should clear PostgreSQL when Redis does not answer the reset', async () => {
      const sut = new AttemptCounter(redis, trackingFallback, new RedisSettings());
      redisUp = false;
      await sut.resetAndTakeBack('k', 'ip');
      expect(resets).toEqual(['k']);
    });
  });
});
