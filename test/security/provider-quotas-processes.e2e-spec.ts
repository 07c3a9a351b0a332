import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';
import { artist, call, DAFT_PUNK, OTHER_ADDRESS } from './quota-helpers';

jest.setTimeout(120_000);

const BUDGET = 4;
/** A second artist the fake upstream knows, so the other caller's lookup on the second process is cold too. */
const OTHER_ARTIST = '650e7db6-b795-4eb5-a702-5ea2fc46c848';

/**
 * Two built app processes (dist/, `npx nest build` first) on one Redis key prefix and one fake upstream: the
 * per-caller provider budget is counted once across them, as for replicas behind a load balancer. The in-process
 * variant (two apps in one jest process) is in provider-quotas.e2e-spec.ts.
 */
describe('Provider budget shared by two processes', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let dataDir: string;
  let processes: SpawnedApp[] = [];

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('quota_processes');
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-quota-processes-'));
    const env = upstreamEnv(fake, {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      REDIS_URL: SHARED_REDIS_URL,
      // Its own prefix: budgets start full and no other suite's counters are touched.
      REDIS_KEY_PREFIX: `test:${db.name}:`,
      // A Redis call slower than REDIS_TIMEOUT_MS counts per process by design (the budget never hangs on Redis);
      // on a loaded machine the 50 ms default would turn that fallback on now and then.
      REDIS_TIMEOUT_MS: '5000',
      PROVIDER_CALLER_BUDGET: `${BUDGET}/600s`,
      LOG_LEVEL: 'error',
    });
    processes = await Promise.all([spawnApp(env), spawnApp(env)]);
    await Promise.all(processes.map((app) => app.waitReady()));
  });

  afterAll(async () => {
    await Promise.all(processes.map((app) => app.stop('SIGKILL')));
    await fake.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should refuse a caller on the second process once it spent the shared budget half on each, and serve others', async () => {
    const [first, second] = processes;
    // Each first-time id is one provider call: one point of this caller's (127.0.0.1) budget.
    for (const app of [first, first, second, second]) {
      expect((await call(app, artist(randomUUID()))).status).toBe(404);
    }
    const providerCalls = fake.count('/musicbrainz');

    const refused = await call(second, artist(randomUUID()));

    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', budget: 'provider', quota: BUDGET });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(refused.headers['ratelimit-policy']).toBe(`"provider";q=${BUDGET};w=600`);
    expect(refused.headers.ratelimit).toMatch(/^"provider";r=0;t=\d+$/);
    // The first process sees the same spent budget.
    expect((await call(first, artist(randomUUID()))).status).toBe(429);
    expect(fake.count('/musicbrainz')).toBe(providerCalls);

    // Another caller's cold lookups are answered on either process.
    const onFirst = await call(first, artist(DAFT_PUNK), { from: OTHER_ADDRESS });
    const onSecond = await call(second, artist(OTHER_ARTIST), { from: OTHER_ADDRESS });

    expect([onFirst.status, onSecond.status]).toEqual([200, 200]);
    expect(onFirst.body.name).toBe('Daft Punk');
    expect(fake.count('/musicbrainz')).toBeGreaterThan(providerCalls);
  });
});
