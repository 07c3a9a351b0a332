import request from 'supertest';
import { createClient } from '@redis/client';
import { CacheService, RedisConnection } from '@app/core';
import { OwnRedisServer } from '../support/redis-server';
import { bootTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/eventually';

jest.setTimeout(30_000);

async function redisKeys(url: string): Promise<string[]> {
  const client = createClient({ url });
  await client.connect();
  try {
    return await client.keys('*');
  } finally {
    await client.close();
  }
}

describe('Redis outage', () => {
  let redis: OwnRedisServer;
  let sut: TestApp;

  beforeAll(async () => {
    redis = await OwnRedisServer.start();
    sut = await bootTestApp({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'outage:',
      // The longest allowed: a call that waited on the stopped Redis instead of going around it would take 10 s,
      // and the readiness checks plus the cache calls below would outlast the 30 s this file allows.
      REDIS_TIMEOUT_MS: '10000',
    });
    await eventually(() => Promise.resolve(sut.chorus.app.get(RedisConnection).ready));
  });

  afterAll(async () => {
    await sut.close();
    await redis.stop();
  });

  it('should keep answering, report Redis degraded, and use Redis again once it is back', async () => {
    const cache = sut.chorus.app.get(CacheService);
    await cache.set('before', { n: 1 }, 60_000);
    expect(await redisKeys(redis.url)).toContain('outage:before');

    await redis.stop();
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(sut.httpUrl).get('/health/ready')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers[0].body.details.redis.status).toBe('degraded');

    await cache.clearLocal();
    expect(await cache.get('before')).toBeUndefined();
    await cache.set('during', { n: 2 }, 60_000);
    expect((await cache.get<{ n: number }>('during'))?.layer).toBe('l1');

    await redis.restart();
    await eventually(async () => {
      const ready = await request(sut.httpUrl).get('/health/ready');
      return ready.body.details?.redis?.status === 'up';
    });
    await cache.set('after', { n: 3 }, 60_000);
    expect(await redisKeys(redis.url)).toContain('outage:after');
  });
});
