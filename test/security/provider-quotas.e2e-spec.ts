import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { AUTH_TEST_SETTINGS, bearer, registerRest } from '../auth/auth-helpers';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { eventually } from '../support/eventually';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { artist, call, DAFT_PUNK, DEEZER_PLAYLIST, OTHER_ADDRESS } from './quota-helpers';

describe('Provider quotas per caller', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('quotas');
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    fake.reset();
  });

  afterAll(async () => {
    await fake.stop();
    await db.drop();
  });

  /** An app over the shared test database; each test its own Redis prefix, so budgets start full. */
  async function boot(extra: Record<string, string>, prefix = `test:quotas:${randomUUID()}:`): Promise<TestApp> {
    const app = await bootTestApp(
      upstreamEnv(fake, { ...AUTH_TEST_SETTINGS, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'error', ...extra }),
      db,
    );
    apps.push(app);
    return app;
  }

  it('should answer a caller past its budget 429 with Retry-After and RateLimit headers, and still serve it warm answers', async () => {
    const app = await boot({ PROVIDER_CALLER_BUDGET: '3/600s' });
    expect((await call(app, artist(DAFT_PUNK))).status).toBe(200);
    for (const cold of [randomUUID(), randomUUID()]) {
      expect((await call(app, artist(cold))).status).toBe(404);
    }
    const providerCalls = fake.count('/musicbrainz');

    const refused = await call(app, artist(randomUUID()));

    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, budget: 'provider', quota: 3 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-policy']).toBe('"provider";q=3;w=600');
    expect(refused.headers.ratelimit).toMatch(/^"provider";r=0;t=\d+$/);
    expect(fake.count('/musicbrainz')).toBe(providerCalls);
    // What is already kept costs nothing: the caller still gets it.
    const warm = await call(app, artist(DAFT_PUNK));
    expect(warm.status).toBe(200);
    expect(warm.body.name).toBe('Daft Punk');
    // Another caller's budget is its own.
    expect((await call(app, artist(randomUUID()), { from: OTHER_ADDRESS })).status).toBe(404);
  });

  it('should answer RESOURCE_EXHAUSTED with retry-after and RateLimit metadata over gRPC', async () => {
    const app = await boot({ PROVIDER_CALLER_BUDGET: '2/600s' });
    const client = grpcClient(app.grpcAddress, 'chorus.v1.CatalogService');
    try {
      for (const cold of [randomUUID(), randomUUID()]) {
        expect((await grpcCall(client, 'GetArtist', { id: cold })).error?.code).toBe(GrpcStatus.NOT_FOUND);
      }

      const { error } = await grpcCall(client, 'GetArtist', { id: randomUUID() });

      expect(error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(error?.details).toMatch(/provider budget/);
      expect(Number(error?.metadata.get('retry-after')[0])).toBeGreaterThan(0);
      expect(error?.metadata.get('chorus-error-code')).toEqual(['RATE_LIMITED']);
      expect(error?.metadata.get('ratelimit-policy')).toEqual(['"provider";q=2;w=600']);
    } finally {
      client.close();
    }
  });

  it("should give another caller's cold lookup a slot while one caller floods the provider queue", async () => {
    const app = await boot({
      PROVIDER_CALLER_BUDGET: '1000/600s',
      PROVIDER_RATE_LIMITS: 'musicbrainz=1/1s',
      PROVIDER_QUEUE_MAX_WAIT_MS: '60000',
      PROVIDER_TIMEOUTS_MS: 'musicbrainz=5000',
    });
    const flood = Array.from({ length: 8 }, () => randomUUID());
    const flooding = Promise.all(flood.map((id) => call(app, artist(id))));
    // Once two of the flood's calls went out, all eight are queued for the one slot per second.
    await eventually(() => fake.count('/musicbrainz') >= 2, 'the flood reaching the provider');
    const slotsBefore = fake.count('/musicbrainz');

    const answer = await call(app, artist(DAFT_PUNK), { from: OTHER_ADDRESS });

    expect(answer.status).toBe(200);
    const order = fake.requests('/musicbrainz').map((r) => r.path.split('/').pop());
    const position = order.indexOf(DAFT_PUNK);
    // At most one flood call (granted before the newcomer queued) goes ahead of it; first come, it would be last.
    expect(position - slotsBefore).toBeLessThanOrEqual(1);
    expect(order.slice(position + 1).length).toBeGreaterThan(0);
    expect((await flooding).map((reply) => reply.status)).toEqual(flood.map(() => 404));
  });

  it("should count a provider playlist's cold pages against the caller, one point per page, warm pages free", async () => {
    const app = await boot({ PROVIDER_CALLER_BUDGET: '2/600s' });
    const page = (offset: number) => `/v1/external-playlists/deezer:770060/tracks?limit=25&offset=${offset}`;
    expect((await call(app, page(0))).status).toBe(200);
    expect((await call(app, page(25))).status).toBe(200);

    const refused = await call(app, page(50));

    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', budget: 'provider' });
    expect(fake.count('/deezer/playlist/770060/tracks')).toBe(2);
    expect((await call(app, page(25))).status).toBe(200);
    expect(fake.count('/deezer')).toBe(2);
  });

  it("should count a signed-in user's imports against that user, not the address", async () => {
    const app = await boot({ PROVIDER_CALLER_BUDGET: '2/600s' });
    const user = await registerRest(app.httpUrl);
    const token = bearer(user.tokens.accessToken);
    const start = () =>
      call(app, '/v1/me/playlists/import', { method: 'POST', headers: token, body: { url: DEEZER_PLAYLIST } });

    // The head is read in the request (one point), the page by the background job as the same user (one more).
    const started = await start();
    expect(started.status).toBe(202);
    const id = (started.body as { id: string }).id;
    await eventually(
      async () => (await call(app, `/v1/me/imports/${id}`, { headers: token })).body.state === 'done',
      'the first import to finish',
    );

    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe('"provider";q=2;w=600');
    const stored = await queryDatabase(db.url, 'SELECT count(*)::int AS n FROM library_playlists WHERE user_id = $1', [
      user.user.id,
    ]);
    expect(stored[0]).toEqual({ n: 1 });
    // The same address, anonymous: its own budget.
    expect((await call(app, artist(randomUUID()))).status).toBe(404);
  });

  it('should share one budget between two apps on the same Redis', async () => {
    const prefix = `test:quotas:shared:${randomUUID()}:`;
    const settings = { PROVIDER_CALLER_BUDGET: '2/600s', REDIS_URL: SHARED_REDIS_URL };
    const first = await boot(settings, prefix);
    const second = await boot(settings, prefix);

    expect((await call(first, artist(randomUUID()))).status).toBe(404);
    expect((await call(second, artist(randomUUID()))).status).toBe(404);

    expect((await call(first, artist(randomUUID()))).status).toBe(429);
    expect((await call(second, artist(randomUUID()))).status).toBe(429);
  });

  it('should keep a budget per process without Redis', async () => {
    const settings = { PROVIDER_CALLER_BUDGET: '2/600s', REDIS_URL: '' };
    const first = await boot(settings);
    const second = await boot(settings);

    for (const cold of [randomUUID(), randomUUID()]) {
      expect((await call(first, artist(cold))).status).toBe(404);
    }
    expect((await call(first, artist(randomUUID()))).status).toBe(429);

    expect((await call(second, artist(randomUUID()))).status).toBe(404);
  });
});
