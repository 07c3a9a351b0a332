import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';
import { eventually } from './resilience-helpers';

jest.setTimeout(90_000);

const PASSWORD = 'correct horse battery';
const PROVIDER_LATENCY_MS = 700;

interface Outcome {
  what: string;
  ok: boolean;
  detail: string;
}

describe('SIGTERM under load', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let sut: SpawnedApp;
  let auth: Client;
  let catalog: Client;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('sigterm');
    sut = await spawnApp(
      upstreamEnv(fake, {
        DATABASE_URL: db.url,
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: `test:${db.name}:`,
        // Slow in-flight work: real bcrypt cost for logins, slow providers for cold lookups.
        AUTH_BCRYPT_COST: '11',
        AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000',
        AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
        AUTH_REGISTER_MAX_PER_IP: '1000',
        SHUTDOWN_TIMEOUT_MS: '20000',
        ...Object.fromEntries(
          ['MUSICBRAINZ', 'DEEZER', 'ITUNES', 'SPOTIFY'].map((provider) => [`${provider}_TIMEOUT_MS`, '8000']),
        ),
        LOG_LEVEL: 'error',
      }),
    );
    await sut.waitReady();
    auth = grpcClient(sut.grpcAddress, 'chorus.v1.AuthService');
    catalog = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    auth.close();
    catalog.close();
    await sut.stop('SIGKILL');
    await db.drop();
    await fake.stop();
  });

  it('should finish every in-flight HTTP and gRPC request and exit 0', async () => {
    const email = 'drain@example.com';
    expect((await request(sut.httpUrl).post('/v1/auth/register').send({ email, password: PASSWORD })).status).toBe(201);
    // Open the gRPC channels before the signal, as long-lived clients would have them.
    expect((await grpcCall(catalog, 'Search', { q: 'warm', type: 'artist' })).error).toBeUndefined();
    fake.reset();
    fake.fault('/', { latencyMs: PROVIDER_LATENCY_MS });

    const http = (what: string, send: () => PromiseLike<request.Response>): Promise<Outcome> =>
      Promise.resolve(send()).then(
        (response) => ({
          what,
          ok: response.status < 400,
          detail: `${response.status} ${response.text.slice(0, 200)}`,
        }),
        (error: Error) => ({ what, ok: false, detail: error.message }),
      );
    const rpc = (what: string, client: Client, method: string, body: unknown): Promise<Outcome> =>
      grpcCall(client, method, body, {}, 30_000).then((result) => ({
        what,
        ok: result.error === undefined,
        detail: result.error ? `${result.error.code} ${result.error.details}` : 'ok',
      }));

    const inFlight: Array<Promise<Outcome>> = [];
    for (let i = 0; i < 6; i += 1) {
      inFlight.push(
        http(`rest search ${i}`, () => request(sut.httpUrl).get(`/v1/search?type=track&q=draining+rest+${i}`)),
        rpc(`grpc search ${i}`, catalog, 'Search', { q: `draining grpc ${i}`, type: 'album' }),
      );
    }
    for (let i = 0; i < 3; i += 1) {
      inFlight.push(
        http(`rest login ${i}`, () => request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD })),
        rpc(`grpc login ${i}`, auth, 'Login', { email, password: PASSWORD }),
      );
    }
    // Every search has reached the (slow) providers: the work is truly in flight when the signal lands.
    await eventually(() => fake.count('/') >= 12, 'searches in flight');
    const exit = sut.stop('SIGTERM');

    const outcomes = await Promise.all(inFlight);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(await exit).toBe(0);
    expect(sut.stderr()).not.toMatch(/unhandled|timed out/i);
  });
});
