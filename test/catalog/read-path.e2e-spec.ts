import request from 'supertest';
import { createClient } from '@redis/client';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { eventually } from '../support/eventually';

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const HBFS = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
const DEEZER_TRACK = 'deezer:3135556';

const sharedRedis = () => createClient({ url: SHARED_REDIS_URL });

async function withRedis<T>(fn: (client: ReturnType<typeof sharedRedis>) => Promise<T>): Promise<T> {
  const client = sharedRedis();
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

const keysOf = (pattern: string): Promise<string[]> => withRedis((client) => client.keys(pattern));

async function flushPrefix(prefix: string): Promise<void> {
  await withRedis(async (client) => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) {
      await client.del(keys);
    }
  });
}

describe('Catalog read path', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  const prefix = `test:readpath:${Date.now()}:`;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('readpath');
  });

  afterAll(async () => {
    await fake.stop();
    await db.drop();
    await flushPrefix(prefix);
  });

  beforeEach(() => fake.reset());

  const boot = (extra: Record<string, string> = {}): Promise<TestApp> =>
    bootTestApp(upstreamEnv(fake, { REDIS_KEY_PREFIX: prefix, ...extra }), db);

  it('should answer from PostgreSQL with no provider call after a restart with Redis flushed', async () => {
    const first = await boot();
    try {
      expect((await request(first.httpUrl).get(`/v1/artists/${DAFT_PUNK}`)).status).toBe(200);
      expect((await request(first.httpUrl).get(`/v1/artists/${DAFT_PUNK}`)).headers['x-cache']).toBe('HIT');
      expect(fake.count('/musicbrainz')).toBe(1);
    } finally {
      await first.close();
    }
    await flushPrefix(prefix);
    const second = await boot();
    try {
      const answer = await request(second.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
      expect(answer.status).toBe(200);
      expect(answer.body.name).toBe('Daft Punk');
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(fake.count('/musicbrainz')).toBe(1);
      // The single-flight lock asked for while the row was read is given back: no other replica waits on it.
      await eventually(async () => (await keysOf(`${prefix}lock:*`)).length === 0, 'lock released');
    } finally {
      await second.close();
    }
  });

  it('should make one provider call for 50 concurrent identical cold requests, in one process and across two', async () => {
    fake.fault('/deezer/track', { latencyMs: 300 });
    const one = await boot();
    const two = await boot();
    try {
      const rest = Array.from({ length: 25 }, (_v, i) =>
        request((i % 2 ? one : two).httpUrl).get(`/v1/tracks/${DEEZER_TRACK}`),
      );
      const grpc = grpcClient(one.grpcAddress, 'chorus.v1.CatalogService');
      const rpc = Array.from({ length: 25 }, () => grpcCall<{ id: string }>(grpc, 'GetTrack', { id: DEEZER_TRACK }));
      const [restAnswers, rpcAnswers] = await Promise.all([Promise.all(rest), Promise.all(rpc)]);
      grpc.close();
      expect(restAnswers.map((a) => a.status)).toEqual(Array(25).fill(200));
      expect(rpcAnswers.map((a) => a.response?.id)).toEqual(Array(25).fill(DEEZER_TRACK));
      expect(fake.count('/deezer/track')).toBe(1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('should answer an expired row at once as STALE and refresh it once in the background', async () => {
    const sut = await boot();
    try {
      await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`);
      await queryDatabase(
        db.url,
        `UPDATE catalog_tracks SET expires_at = now() - interval '1 second' WHERE public_id = $1`,
        [HBFS],
      );
      await flushPrefix(prefix);
      await sut.chorus.app.get((await import('@app/core')).CacheService).clearLocal();
      fake.reset();
      fake.fault('/musicbrainz/ws/2/recording', { latencyMs: 1_500 });
      const fresh = async (): Promise<boolean> => {
        const rows = await queryDatabase<{ fresh: boolean }>(
          db.url,
          `SELECT expires_at > now() AS fresh FROM catalog_tracks WHERE public_id = $1`,
          [HBFS],
        );
        return rows[0]?.fresh === true;
      };
      const stale = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`);
      expect(stale.status).toBe(200);
      expect(stale.headers['x-cache']).toBe('STALE');
      expect(stale.headers['cache-status']).toBe('chorus-app; hit; detail=stale');
      expect(stale.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      expect(stale.headers['cache-control']).toContain('max-age=0');
      // Answered before the provider (1.5 s away) answered the refresh, not after it.
      expect(await fresh()).toBe(false);
      await eventually(fresh);
      expect(fake.count('/musicbrainz/ws/2/recording')).toBe(1);
      // The refresh rewrote the row's lookups in place: one ISRC row, not one per write.
      const isrcs = await queryDatabase<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM catalog_isrcs i JOIN catalog_tracks t ON t.id = i.track_id WHERE t.public_id = $1`,
        [HBFS],
      );
      expect(Number(isrcs[0].n)).toBe(1);
    } finally {
      await sut.close();
    }
  });

  it('should serve stale data marked STALE when the provider is down, and UPSTREAM_UNAVAILABLE when nothing is kept', async () => {
    const sut = await boot();
    try {
      expect((await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`)).status).toBe(200);
      await queryDatabase(db.url, `UPDATE catalog_artists SET expires_at = now() - interval '1 second'`);
      await flushPrefix(prefix);
      const { CacheService } = await import('@app/core');
      await sut.chorus.app.get(CacheService).clearLocal();
      fake.fault('/', { status: 503, retryAfter: 2 });
      const stale = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
      expect(stale.status).toBe(200);
      expect(stale.headers['x-cache']).toBe('STALE');
      const grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
      const staleRpc = await grpcCall<{ name: string }>(grpc, 'GetArtist', { id: DAFT_PUNK });
      expect(staleRpc.response?.name).toBe('Daft Punk');
      expect(staleRpc.metadata?.get('x-cache')[0]).toBe('STALE');
      expect(staleRpc.trailers?.get('x-cache')[0]).toBe('STALE');
      expect(staleRpc.trailers?.get('x-request-id')[0]).toBeTruthy();
      const cold = await request(sut.httpUrl).get('/v1/artists/deezer:27');
      expect(cold.status).toBe(503);
      expect(JSON.parse(cold.text).code).toBe('UPSTREAM_UNAVAILABLE');
      const coldRpc = await grpcCall(grpc, 'GetArtist', { id: 'deezer:27' });
      expect(coldRpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
      grpc.close();
    } finally {
      await sut.close();
    }
  });
});
