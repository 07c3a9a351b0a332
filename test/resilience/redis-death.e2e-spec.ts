import request from 'supertest';
import { createClient } from '@redis/client';
import type { Client } from '@grpc/grpc-js';
import { RedisConnection } from '@app/core';
import { FakeUpstream } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { OwnRedisServer } from '../support/redis-server';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { eventually, LoadLoop } from './resilience-helpers';

jest.setTimeout(60_000);

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const PASSWORD = 'correct horse battery';
const MAX_FAILURES = 3;

type Phase = 'up' | 'down' | 'back';

async function redisKeyCount(url: string, pattern: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  try {
    return (await client.keys(pattern)).length;
  } finally {
    await client.close();
  }
}

describe('Redis dies under load and comes back', () => {
  const fake = new FakeUpstream();
  let redis: OwnRedisServer;
  let sut: TestApp;
  let grpc: Client;
  let phase: Phase = 'up';

  beforeAll(async () => {
    await fake.start();
    redis = await OwnRedisServer.start();
    sut = await bootTestApp(
      upstreamEnv(fake, {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'death:',
        // The longest allowed (10 s): a request that waited on the dead Redis instead of going around it
        // would stall the traffic this test waits for, so no latency bound is needed to catch it.
        REDIS_TIMEOUT_MS: '10000',
        AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_FAILURES),
      }),
    );
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
    await eventually(() => sut.chorus.app.get(RedisConnection).ready, 'Redis connected');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await redis.stop();
    await fake.stop();
  });

  it('should fail no request, never wait on the dead Redis, keep throttling logins, and use Redis again once back', async () => {
    expect((await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`)).status).toBe(200);
    expect((await request(sut.httpUrl).get(`/v1/albums/${DISCOVERY}`)).status).toBe(200);
    const email = 'throttled@example.com';
    expect((await request(sut.httpUrl).post('/v1/auth/register').send({ email, password: PASSWORD })).status).toBe(201);

    // Warm lookups on both transports, cold searches (provider + PostgreSQL) and readiness, 8 at a time.
    const load = new LoadLoop(async (n) => {
      const current = phase;
      const kind = n % 4;
      if (kind === 0) {
        return { phase: current, ok: (await grpcCall(grpc, 'GetAlbum', { id: DISCOVERY })).error === undefined };
      }
      const path =
        kind === 1
          ? `/v1/artists/${DAFT_PUNK}`
          : kind === 2
            ? `/v1/search?type=artist&q=${encodeURIComponent(`cold query ${n}`)}`
            : '/health/ready';
      const response = await request(sut.httpUrl).get(path);
      return { phase: current, ok: response.status === 200, status: response.status, path };
    }, 8);

    await eventually(() => load.results.length >= 40, 'baseline traffic');
    phase = 'down';
    await redis.stop();
    const downAt = load.results.length;
    await eventually(() => load.results.length >= downAt + 150, 'traffic while Redis is down');

    // Throttling falls back to PostgreSQL: the account still locks after MAX_FAILURES failures.
    const attempts = [];
    for (let i = 0; i <= MAX_FAILURES; i += 1) {
      attempts.push(
        (await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: 'wrong password' })).status,
      );
    }
    expect(attempts).toEqual([...Array<number>(MAX_FAILURES).fill(401), 429]);

    await redis.restart();
    phase = 'back';
    await eventually(() => sut.chorus.app.get(RedisConnection).ready, 'Redis reconnected');
    const backAt = load.results.length;
    await eventually(() => load.results.length >= backAt + 40, 'traffic after Redis is back');
    const results = await load.stop();

    const failed = results.filter((r) => !r.result.ok).map((r) => r.result);
    expect(failed).toEqual([]);
    const down = results.filter((r) => r.result.phase === 'down').map((r) => r.ms);
    expect(down.length).toBeGreaterThan(100);

    const ready = await request(sut.httpUrl).get('/health/ready');
    expect(ready.body.details.redis.status).toBe('up');
    const cold = await request(sut.httpUrl).get('/v1/search?type=track&q=after%20redis%20returned');
    expect(cold.status).toBe(200);
    await eventually(async () => (await redisKeyCount(redis.url, 'death:*')) > 0, 'keys written to Redis');
  });
});
