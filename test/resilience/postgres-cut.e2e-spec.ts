import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { CacheService } from '@app/core';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { accountCounts, catalogCounts, eventually } from './resilience-helpers';
import { TcpProxy } from './tcp-proxy';

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const OTHER_ARTIST = 'musicbrainz:650e7db6-b795-4eb5-a702-5ea2fc46c848';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const PASSWORD = 'correct horse battery';

async function healthStatus(client: Client): Promise<string | undefined> {
  const result = await grpcCall<{ status: string }>(
    client,
    'Check',
    { service: 'chorus.v1.CatalogService' },
    {},
    2_000,
  );
  return result.response?.status;
}

jest.setTimeout(60_000);

describe('PostgreSQL cut and restored', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let proxy: TcpProxy;
  let sut: TestApp;
  let catalog: Client;
  let health: Client;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('pgcut');
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
    sut = await bootTestApp(
      upstreamEnv(fake, {
        DATABASE_URL: proxy.route(db.url),
        DB_CONNECT_TIMEOUT_MS: '1000',
        HEALTH_GRPC_INTERVAL_MS: '200',
        HEALTH_CHECK_TIMEOUT_MS: '500',
        AUTH_REGISTER_MAX_PER_IP: '1000',
      }),
      db,
    );
    catalog = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
    health = grpcClient(sut.grpcAddress, 'grpc.health.v1.Health');
  });

  afterEach(() => {
    proxy.restore();
    fake.clearFaults();
  });

  afterAll(async () => {
    catalog.close();
    health.close();
    await sut.close();
    await proxy.stop();
    await db.drop();
    await fake.stop();
  });

  it('should serve cached answers, refuse writes and cold reads with 503, and recover without a restart', async () => {
    const warm = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
    expect(warm.status).toBe(200);
    const inRedisOnly = await request(sut.httpUrl).get(`/v1/albums/${DISCOVERY}`);
    expect(inRedisOnly.status).toBe(200);
    await sut.chorus.app.get(CacheService).clearLocal();
    const usersBefore = await accountCounts(db.url);
    const catalogBefore = await catalogCounts(db.url);

    proxy.cutAll();
    await eventually(async () => (await healthStatus(health)) === 'NOT_SERVING', 'gRPC NOT_SERVING');
    const ready = await request(sut.httpUrl).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toContain('application/problem+json');
    expect((await request(sut.httpUrl).get('/health/live')).status).toBe(200);

    // Cached answers: L1 (the artist, over both transports) and L2 in Redis (the album, L1 was cleared).
    expect((await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`)).status).toBe(200);
    expect((await grpcCall<{ name: string }>(catalog, 'GetArtist', { id: DAFT_PUNK })).response?.name).toBe(
      'Daft Punk',
    );
    expect((await request(sut.httpUrl).get(`/v1/albums/${DISCOVERY}`)).status).toBe(200);

    // Cold reads and writes: UNAVAILABLE with Retry-After, never a 500.
    const cold = await request(sut.httpUrl).get(`/v1/artists/${OTHER_ARTIST}`);
    expect([cold.status, cold.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    expect(cold.headers['retry-after']).toBeDefined();
    expect((await grpcCall(catalog, 'GetArtist', { id: OTHER_ARTIST })).error?.code).toBe(GrpcStatus.UNAVAILABLE);
    const register = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .send({ email: 'cut@example.com', password: PASSWORD });
    expect([register.status, register.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    const login = await request(sut.httpUrl)
      .post('/v1/auth/login')
      .send({ email: 'cut@example.com', password: PASSWORD });
    expect([login.status, login.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    const search = await request(sut.httpUrl).get('/v1/search').query({ q: 'nothing cached', type: 'artist' });
    expect([200, 503]).toContain(search.status);

    proxy.restore();
    await eventually(async () => (await request(sut.httpUrl).get('/health/ready')).status === 200, 'readiness back');
    await eventually(async () => (await healthStatus(health)) === 'SERVING', 'gRPC SERVING');
    expect((await request(sut.httpUrl).get(`/v1/artists/${OTHER_ARTIST}`)).status).toBe(200);
    expect(
      (await request(sut.httpUrl).post('/v1/auth/register').send({ email: 'cut@example.com', password: PASSWORD }))
        .status,
    ).toBe(201);
    expect(await accountCounts(db.url)).toEqual({ users: usersBefore.users + 1, sessions: usersBefore.sessions + 1 });
    expect((await catalogCounts(db.url)).artists).toBe(catalogBefore.artists + 1);
  });

  it('should store all of a fetched answer or none of it when the database goes away mid-fetch', async () => {
    const tracksBefore = await queryDatabase<{ n: string }>(db.url, 'SELECT count(*) AS n FROM catalog_release_tracks');
    const before = await catalogCounts(db.url);
    fake.fault('/musicbrainz/ws/2/recording', { latencyMs: 400 });
    // supertest sends on then(); start it now, the fake holds the provider answer back.
    const pending = request(sut.httpUrl)
      .get('/v1/tracks/musicbrainz:3b8d5c1a-9e2f-4c6b-8a7d-0f1e2d3c4b5a')
      .then((response) => response);
    await eventually(() => fake.count('/musicbrainz/ws/2/recording') > 0, 'provider call');
    proxy.cutAll();
    const answer = await pending;
    expect([answer.status, answer.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    proxy.restore();
    fake.clearFaults();
    await eventually(async () => (await request(sut.httpUrl).get('/health/ready')).status === 200);
    expect(await catalogCounts(db.url)).toEqual(before);
    expect(await queryDatabase(db.url, 'SELECT count(*) AS n FROM catalog_release_tracks')).toEqual(tracksBefore);

    const again = await request(sut.httpUrl).get('/v1/tracks/musicbrainz:3b8d5c1a-9e2f-4c6b-8a7d-0f1e2d3c4b5a');
    expect(again.status).toBe(200);
    const stored = await queryDatabase<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM catalog_tracks WHERE public_id = 'musicbrainz:3b8d5c1a-9e2f-4c6b-8a7d-0f1e2d3c4b5a'`,
    );
    expect(Number(stored[0].n)).toBe(1);
  });
});
