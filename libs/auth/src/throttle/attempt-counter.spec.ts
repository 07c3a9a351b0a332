import { RedisSettings, type RedisConnection } from '@app/core';
import type { ThrottleCounterRepository, WindowCount } from '../persistence/throttle-counter.repository';
import { AttemptCounter } from './attempt-counter';

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
    const multi = {
      incr: (key: string) => (keys.push(key), multi),
      pExpire: () => multi,
      pTTL: () => multi,
      exec: () => Promise.resolve([3, 1, 750]),
    };
    const redis = {
      configured: true,
      runOrThrow: (operation: (client: unknown) => Promise<unknown>) => operation({ multi: () => multi }),
    } as unknown as RedisConnection;
    const sut = new AttemptCounter(redis, fallback, Object.assign(new RedisSettings(), { REDIS_KEY_PREFIX: 'p:' }));
    expect(await sut.increment('login:ip:1.2.3.4', 1000)).toEqual({ count: 3, resetInMs: 750 });
    expect(keys).toEqual(['p:auth:throttle:login:ip:1.2.3.4']);
    expect(fallbackCounts.size).toBe(0);
  });
});
