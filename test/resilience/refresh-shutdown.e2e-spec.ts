import request from 'supertest';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';
import { eventually } from './resilience-helpers';

jest.setTimeout(90_000);

const ARTIST = 'musicbrainz:650e7db6-b795-4eb5-a702-5ea2fc46c848';
/** The line shutdown logs when it waits for background refreshes (libs/core/src/lifecycle/background-work.ts). */
const WAITING = 'background refresh(es) still running; waiting';

async function fetchedAt(url: string): Promise<string | undefined> {
  const rows = await queryDatabase<{ at: string }>(
    url,
    'SELECT fetched_at::text AS at FROM catalog_artists WHERE public_id = $1',
    [ARTIST],
  );
  return rows[0]?.at;
}

/**
 * A stale answer is refreshed in the background; a SIGTERM arriving while that refresh waits for its provider must
 * not close PostgreSQL and Redis under it (on every Kubernetes rollout: "background refresh failed", and the
 * provider's answer lost). Shutdown waits for it, within its budget, then closes the pools.
 */
describe('SIGTERM during a background refresh', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let sut: SpawnedApp;
  let openGate!: () => void;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('refresh_shutdown');
    sut = await spawnApp(
      upstreamEnv(fake, {
        DATABASE_URL: db.url,
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: `test:${db.name}:`,
        // Entities go stale after a second, so a stale answer (and its refresh) can be had without a sleep.
        CATALOG_TTL_SECONDS: 'entity=1',
        HTTP_CACHE_MAX_BYTES: '0',
        SHUTDOWN_TIMEOUT_MS: '30000',
        LOG_LEVEL: 'info',
      }),
    );
    await sut.waitReady();
  });

  afterAll(async () => {
    openGate?.();
    await sut?.stop('SIGKILL');
    await db?.drop();
    await fake.stop();
  });

  it('should let the refresh write its row before closing the pools, and log no failure', async () => {
    expect((await request(sut.httpUrl).get(`/v1/artists/${ARTIST}`)).headers['x-cache']).toBe('MISS');
    const before = await fetchedAt(db.url);
    expect(before).toBeDefined();
    // From now on MusicBrainz answers only once the test opens the gate.
    fake.fault('/musicbrainz/', { hold: new Promise<void>((resolve) => (openGate = resolve)) });
    fake.clearLog();

    // Asked until the stored answer has gone stale: that answer starts the background refresh.
    await eventually(async () => {
      const answer = await request(sut.httpUrl).get(`/v1/artists/${ARTIST}`);
      expect(answer.status).toBe(200);
      return answer.headers['x-cache'] === 'STALE';
    }, 'a stale answer');
    await eventually(() => fake.count('/musicbrainz/') > 0, 'the refresh to reach the provider');

    const exit = sut.stop('SIGTERM');
    let exited = false;
    void exit.then(() => (exited = true));
    // Shutdown has reached the point where it would close the pools: it either waits there or has gone.
    await eventually(() => exited || sut.stdout().includes(WAITING), 'shutdown to wait for the refresh, or exit');
    openGate();

    expect(await exit).toBe(0);
    expect(await fetchedAt(db.url)).not.toBe(before);
    const output = sut.stdout() + sut.stderr();
    expect(output).not.toMatch(/background refresh failed|abandoned|connection lost|Cannot use a pool/i);
    expect(output).toContain('stopped cleanly');
  });
});
