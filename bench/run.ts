import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream } from '../test/fake-upstream';
import { createTestDatabase } from '../test/support/database';
import { SHARED_REDIS_URL } from '../test/support/env';
import { upstreamEnv } from '../test/support/upstream-env';
import { APP_DIR, APP_MAIN, BUILD_DIR, pin, pinningNote, REPO_ROOT, startChorus } from './common';
import {
  BCRYPT_COST,
  BCRYPT_THREADS,
  CFG,
  cleanups,
  COLD_BASE,
  COLD_COUNT,
  coldId,
  CONNECTIONS,
  GRPC_CLIENTS,
  GRPC_CONCURRENCY,
  log,
  LOG_LEVEL,
  LOGIN_CONCURRENCY,
  mustGet,
  only,
  ports,
  SMOKE,
  WARM_ID,
} from './config';
import { warmBatchCpu } from './batch';
import { machine, markdownTable, writeReport, type Report, type Row } from './report';
import { coldOverhead, singleFlight } from './scenarios/cold';
import { databaseTier } from './scenarios/database';
import { playlistImport } from './scenarios/import';
import { login } from './scenarios/login';
import { caseVariants, memory } from './scenarios/memory';
import { uncachedWarm, warmGrpc, warmRest } from './scenarios/warm';

function prepareApp(): void {
  const main = join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
  if (!existsSync(main)) {
    log('dist/ missing: nest build');
    const built = spawnSync('npx', ['nest', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (built.status !== 0) {
      throw new Error('nest build failed');
    }
  }
  rmSync(APP_DIR, { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'dist'), APP_DIR, { recursive: true });
  if (!existsSync(APP_MAIN)) {
    throw new Error(`no ${APP_MAIN} after copying dist/ (a build running concurrently?)`);
  }
}

function prepareFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-bench-fixtures-'));
  cpSync(join(REPO_ROOT, 'test', 'fixtures'), dir, { recursive: true });
  const template = JSON.parse(readFileSync(join(dir, 'deezer', 'artist', '27.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  for (let i = 0; i < COLD_COUNT; i += 1) {
    const id = COLD_BASE + i;
    const artist = { ...template, id, name: `Bench Artist ${id}`, link: `https://www.deezer.com/artist/${id}` };
    writeFileSync(join(dir, 'deezer', 'artist', `${id}.json`), JSON.stringify(artist));
  }
  cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
  return dir;
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  pin(process.pid, 'client');
  prepareApp();
  const fake = new FakeUpstream({ fixturesDir: prepareFixtures() });
  fake.preload('deezer/artist');
  await fake.start();
  cleanups.push(() => fake.stop());
  const db = await createTestDatabase('bench');
  cleanups.push(() => db.drop());
  const env = upstreamEnv(fake, {
    DATABASE_URL: db.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    LOG_LEVEL,
    // The login rows spread their logins over several accounts (scenarios/login.ts), so the login and
    // registration throttles run with their defaults.
    AUTH_BCRYPT_COST: String(BCRYPT_COST),
    // Its default (0) is the cores the process may run on at boot, and the server boots pinned to CPU 0: that
    // would be one bcrypt worker, while the login rows give it every core, as they give the raw bcrypt baseline.
    AUTH_HASH_CONCURRENCY: String(BCRYPT_THREADS),
    PROVIDER_RATE_LIMITS: 'deezer=10000/1s',
  });
  const wanted = (key: string): boolean => !only || only.some((o) => key.startsWith(o));
  const rows: Row[] = [];
  const chorus = await startChorus(env, 'server', await ports());
  cleanups.push(() => chorus.stop());
  await mustGet(`${chorus.httpUrl}/v1/artists/${WARM_ID}`);
  const warmBody = await mustGet(`${chorus.httpUrl}/v1/artists/${WARM_ID}`);
  log(`mode ${SMOKE ? 'smoke' : 'full'}; ${pinningNote()}; LOG_LEVEL=${LOG_LEVEL}`);

  const step = async (key: string, fn: () => Promise<Row | Row[]>): Promise<void> => {
    if (!wanted(key)) {
      return;
    }
    const t0 = performance.now();
    const result = await fn();
    for (const r of Array.isArray(result) ? result : [result]) {
      rows.push(r);
      log(
        `${r.scenario}: ${r.result.toFixed(2)} (${r.met === undefined ? 'no target' : r.met ? 'met' : 'MISSED'}) [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
      );
    }
  };
  await step('warm-rest', () => warmRest(chorus, warmBody, 'Warm lookup, REST', 'warm-rest', { op: '>=', value: 0.5 }));
  await step('warm-rest-info', async () => {
    const verbose = await startChorus({ ...env, LOG_LEVEL: 'info' }, 'server', await ports());
    try {
      await mustGet(`${verbose.httpUrl}/v1/artists/${WARM_ID}`);
      return await warmRest(verbose, warmBody, 'Warm lookup, REST, LOG_LEVEL=info', 'warm-rest-info');
    } finally {
      await verbose.stop();
    }
  });
  await step('uncached', () => uncachedWarm(env));
  await step('warm-grpc', () => warmGrpc(chorus));
  await step('cold', () => coldOverhead(chorus, fake));
  await step('single-flight', () => singleFlight(chorus, fake));
  await step('batch', () =>
    warmBatchCpu(
      chorus,
      Array.from({ length: 100 }, () => `deezer:${coldId()}`),
      SMOKE,
    ),
  );
  await step('import', () => playlistImport(chorus, fake));
  await step('login', () => login(chorus));
  await step('database', () => databaseTier(env, db.url));
  await step('memory', () => memory(env));
  await step('variants', () => caseVariants(env));

  const report: Report = {
    date: new Date().toISOString(),
    mode: SMOKE ? 'smoke' : 'full',
    durationSec: (performance.now() - started) / 1000,
    settings: {
      LOG_LEVEL,
      connections: CONNECTIONS,
      grpcConcurrency: GRPC_CONCURRENCY,
      grpcClientProcesses: GRPC_CLIENTS,
      bcryptCost: BCRYPT_COST,
      loginConcurrency: LOGIN_CONCURRENCY,
      secondsPerRun: CFG.seconds,
      pairs: CFG.pairs,
    },
    machine: machine(pinningNote()),
    rows,
  };
  log('');
  log(markdownTable(rows));
  const full = !SMOKE && !only;
  const resultsDir = full ? join(REPO_ROOT, 'bench', 'results') : BUILD_DIR;
  writeReport(report, {
    json: join(resultsDir, full ? 'latest.json' : 'smoke.json'),
    svg: join(resultsDir, full ? 'latest.svg' : 'smoke.svg'),
    readme: full ? join(REPO_ROOT, 'bench', 'README.md') : undefined,
  });
  if (full) {
    // The committed files must pass `npm run format:check`.
    spawnSync('npx', ['prettier', '--write', 'bench/results/latest.json', 'bench/README.md'], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
  }
  log(`\nwritten to ${resultsDir} in ${Math.round(report.durationSec)} s`);
}

async function cleanup(): Promise<void> {
  for (const fn of cleanups.reverse()) {
    await fn().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
}

// Hard stop: a stuck run must never hold the machine (full runs take ~6 minutes, smoke ~2 on a quiet machine).
const watchdog = setTimeout(
  () => {
    log('bench: watchdog expired');
    process.exit(2);
  },
  (SMOKE ? 5 : 15) * 60_000,
);
watchdog.unref();

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanup();
    process.exit(1);
  });
