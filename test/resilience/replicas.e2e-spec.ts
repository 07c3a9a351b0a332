import request from 'supertest';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery';
/** Four MusicBrainz entities the fake upstream knows: each a cold lookup of its own. */
const MB_LOOKUPS = [
  '/v1/artists/musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56',
  '/v1/artists/musicbrainz:650e7db6-b795-4eb5-a702-5ea2fc46c848',
  '/v1/tracks/musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b',
  '/v1/tracks/musicbrainz:2d3c4b5a-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
];

describe('Three replicas sharing PostgreSQL and Redis', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let replicas: SpawnedApp[];

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('replicas');
    const env = upstreamEnv(fake, {
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      REDIS_KEY_PREFIX: `test:${db.name}:`,
      // A Redis call slower than REDIS_TIMEOUT_MS (50 ms by default) degrades the lock to per-process single
      // flight, by design; under CI's parallel load that made this suite's cross-replica checks flaky. The
      // degraded path has its own tests (redis-outage, redis-death).
      REDIS_TIMEOUT_MS: '1000',
      AUTH_JWT_SECRET: 'replica-suite-secret-of-at-least-32-bytes!',
      PROVIDER_RATE_LIMITS: 'musicbrainz=1/1s',
      PROVIDER_TIMEOUTS_MS: 'musicbrainz=5000',
      PROVIDER_QUEUE_MAX_WAIT_MS: '30000',
      LOG_LEVEL: 'error',
    });
    // Booting at once against an empty database: migrations run once, under the advisory lock.
    replicas = await Promise.all([1, 2, 3].map(() => spawnApp(env)));
    await Promise.all(replicas.map((r) => r.waitReady()));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await db.drop();
    await fake.stop();
  });

  it('should have migrated exactly once', async () => {
    const rows = await queryDatabase<{ name: string }>(db.url, 'SELECT name FROM migrations');
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it('should pace MusicBrainz at 1 request per second across all replicas', async () => {
    fake.reset();
    const answers = await Promise.all(MB_LOOKUPS.map((path, i) => request(replicas[i % 3].httpUrl).get(path)));
    expect(answers.map((a) => a.status)).toEqual(MB_LOOKUPS.map(() => 200));
    const times = fake.requests('/musicbrainz').map((r) => r.at);
    expect(times.length).toBeGreaterThanOrEqual(MB_LOOKUPS.length);
    // One call per shared one-second window. The windows are fixed, so two neighbours may sit either side of a
    // window's edge, milliseconds apart; but any three calls take three windows, so the first and the third are
    // over a second apart. 500 ms of slack for a call that reaches the upstream late under CI's load. Each
    // replica with its own limit would send its first call at once: three arrivals within milliseconds.
    const spans = times.slice(2).map((t, i) => t - times[i]);
    expect(Math.min(...spans)).toBeGreaterThan(500);
  });

  it('should make one provider call for 9 identical cold lookups spread over the replicas', async () => {
    fake.reset();
    fake.fault('/deezer/track/3135553', { latencyMs: 500 });
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) => request(replicas[i % 3].httpUrl).get('/v1/tracks/deezer:3135553')),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(9).fill(200));
    expect(fake.count('/deezer/track/3135553')).toBe(1);
    // The leader answers what it fetched, the others what it stored: the same document.
    for (const answer of answers) {
      expect(answer.body).toEqual(answers[0].body);
    }
  });

  it('should read a favorite written through one replica through another', async () => {
    const email = `replica-${Date.now()}@example.com`;
    const registered = await request(replicas[0].httpUrl).post('/v1/auth/register').send({ email, password: PASSWORD });
    expect(registered.status).toBe(201);
    const token = registered.body.tokens.accessToken as string;
    const favorite = 'deezer:3135553';
    const put = await request(replicas[1].httpUrl)
      .put(`/v1/me/favorites/${favorite}`)
      .set('authorization', `Bearer ${token}`)
      .send({ type: 'track' });
    expect(put.status).toBeLessThan(300);
    const list = await request(replicas[2].httpUrl).get('/v1/me/favorites').set('authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    expect(list.text).toContain(favorite);
  });
});
