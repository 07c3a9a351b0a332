import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { Agent, request } from 'undici';
import { FakeUpstream } from '../test/fake-upstream';
import { createTestDatabase } from '../test/support/database';
import { SHARED_REDIS_URL } from '../test/support/env';
import { freePort } from '../test/support/ports';
import { upstreamEnv } from '../test/support/upstream-env';
import {
  APP_DIR,
  APP_MAIN,
  BUILD_DIR,
  latencyOf,
  median,
  pin,
  pinningNote,
  REPO_ROOT,
  rssMb,
  sleep,
  startBenchServer,
  startChorus,
  type Chorus,
} from './common';
import { catalogService } from './grpc';
import { warmBatchCpu } from './batch';
import { grpcLoad, httpLoad, probe, rawBcrypt, type Run } from './load';
import { machine, markdownTable, row, side, writeReport, type Report, type Row } from './report';

const SMOKE = process.argv.includes('--smoke');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

/** Every knob in one place; smoke runs each scenario for a second or two, once. */
const CFG = SMOKE
  ? {
      pairs: 1,
      seconds: 1.5,
      warmSeconds: 0.5,
      cold: 8,
      coldWarmup: 3,
      storm: 1,
      stormMs: 2000,
      memSmall: 1_000,
      memLarge: 5_000,
    }
  : {
      // Five short pairs rather than three long ones: on a shared VM whose speed swings between runs, the median
      // of more back-to-back ratios moves less.
      pairs: 5,
      seconds: 4,
      warmSeconds: 1,
      cold: 100,
      coldWarmup: 100,
      storm: 2,
      stormMs: 6000,
      memSmall: 10_000,
      memLarge: 100_000,
    };
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const GRPC_CONCURRENCY = Number(process.env.BENCH_GRPC_CONCURRENCY ?? 32);
const GRPC_CLIENTS = Number(process.env.BENCH_GRPC_CLIENTS ?? 1);
const BCRYPT_COST = Number(process.env.BENCH_BCRYPT_COST ?? 10);
const LOGIN_CONCURRENCY = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? 8);
const UPSTREAM_LATENCY_MS = 20;
const LOG_LEVEL = 'warn';

const WARM_ID = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
/** The default of HTTP_CACHE_MAX_BYTES (libs/core HttpSettings), set explicitly for the case-variant row. */
const HTTP_CACHE_BYTES = 32 * 1024 * 1024;
const CASE_VARIANTS = 15_000;
/** Generated Deezer artists (fake upstream fixtures) for first-time lookups: ids never asked before. */
const COLD_BASE = 900_000;
const COLD_COUNT = 2_000;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const cleanups: Array<() => Promise<unknown>> = [];

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

let nextCold = COLD_BASE;
const coldId = (): number => {
  if (nextCold >= COLD_BASE + COLD_COUNT) {
    throw new Error('out of cold artist fixtures');
  }
  return nextCold++;
};

async function ports(): Promise<{ http: number; grpc: number }> {
  return { http: await freePort(), grpc: await freePort() };
}

async function getJson(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

async function mustGet(url: string): Promise<string> {
  const { status, text } = await getJson(url);
  if (status !== 200) {
    throw new Error(`GET ${url}: ${status} ${text.slice(0, 300)}`);
  }
  return text;
}

/** Runs `pairs` × (baseline, Chorus) back to back; the result is the median of the per-pair ratios. */
async function alternate(
  baseline: () => Promise<Run>,
  chorus: () => Promise<Run>,
): Promise<{ base: Run[]; ours: Run[]; ratios: number[] }> {
  const base: Run[] = [];
  const ours: Run[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < CFG.pairs; i += 1) {
    const b = await baseline();
    const c = await chorus();
    base.push(b);
    ours.push(c);
    ratios.push(c.rps / b.rps);
  }
  return { base, ours, ratios };
}

function assertServed(name: string, runs: Run[]): void {
  if (runs.every((r) => !(r.rps > 0))) {
    throw new Error(`${name}: no successful request`);
  }
}

function cpuNote(base: Run[], ours: Run[]): string {
  const pct = (runs: Run[]): string => `${Math.round(median(runs.map((r) => r.serverCpu)) * 100)}%`;
  return `server CPU during load: baseline ${pct(base)}, Chorus ${pct(ours)} of one core`;
}

// ---------------------------------------------------------------------------------------------- scenarios

/** `target`: the issue's ≥ 0.5× for the bench's own settings; none for a row that only shows a cost. */
async function warmRest(
  chorus: Chorus,
  body: string,
  label: string,
  key: string,
  target?: Row['target'],
): Promise<Row> {
  const bodyFile = join(BUILD_DIR, 'warm-body.json');
  writeFileSync(bodyFile, body);
  const bare = await startBenchServer('bare-http', { BENCH_BODY_FILE: bodyFile }, 'server');
  try {
    const bareUrl = `http://127.0.0.1:${bare.port}/v1/artists/${WARM_ID}`;
    const chorusUrl = `${chorus.httpUrl}/v1/artists/${WARM_ID}`;
    const warm = await fetch(chorusUrl);
    await warm.text();
    // The warm REST target holds with the HTTP cache on: make sure it is what answers.
    if (warm.headers.get('cache-status') !== 'chorus; hit') {
      throw new Error(`${label}: not an HTTP cache hit (cache-status ${warm.headers.get('cache-status')})`);
    }
    await httpLoad({ url: bareUrl, connections: CONNECTIONS, durationSec: CFG.warmSeconds }, bare.pid);
    await httpLoad({ url: chorusUrl, connections: CONNECTIONS, durationSec: CFG.warmSeconds }, chorus.pid);
    const { base, ours, ratios } = await alternate(
      () => httpLoad({ url: bareUrl, connections: CONNECTIONS, durationSec: CFG.seconds }, bare.pid),
      () => httpLoad({ url: chorusUrl, connections: CONNECTIONS, durationSec: CFG.seconds }, chorus.pid),
    );
    assertServed(label, ours);
    return row({
      key,
      scenario: label,
      baseline: side('node:http, same bytes', base),
      chorus: side('GET /v1/artists/{id}', ours),
      result: median(ratios),
      unit: 'ratio',
      target,
      pairs: ratios,
      notes: [`autocannon, ${CONNECTIONS} connections, ${CFG.seconds} s per run`, cpuNote(base, ours)],
    });
  } finally {
    await bare.stop();
  }
}

async function warmGrpc(chorus: Chorus): Promise<Row> {
  const Service = catalogService();
  const client = new Service(chorus.grpcAddress, credentials.createInsecure());
  const message = await new Promise<unknown>((resolve, reject) =>
    (
      client as unknown as {
        getArtist: (req: unknown, cb: (error: ServiceError | null, response: unknown) => void) => void;
      }
    ).getArtist({ id: WARM_ID }, (error, response) => (error ? reject(error) : resolve(response))),
  );
  client.close();
  const messageFile = join(BUILD_DIR, 'warm-message.json');
  writeFileSync(messageFile, JSON.stringify(message));
  const bare = await startBenchServer('bare-grpc', { BENCH_MESSAGE_FILE: messageFile }, 'server');
  try {
    const load = (address: string, pid: number, seconds: number): Promise<Run> =>
      grpcLoad(
        {
          address,
          id: WARM_ID,
          concurrency: GRPC_CONCURRENCY,
          channels: 1,
          durationMs: seconds * 1000,
          processes: GRPC_CLIENTS,
        },
        pid,
      );
    const bareAddress = `127.0.0.1:${bare.port}`;
    await load(bareAddress, bare.pid, CFG.warmSeconds);
    await load(chorus.grpcAddress, chorus.pid, CFG.warmSeconds);
    const { base, ours, ratios } = await alternate(
      () => load(bareAddress, bare.pid, CFG.seconds),
      () => load(chorus.grpcAddress, chorus.pid, CFG.seconds),
    );
    assertServed('warm gRPC', ours);
    return row({
      key: 'warm-grpc',
      scenario: 'Warm lookup, gRPC',
      baseline: side('bare grpc-js, same message', base),
      chorus: side('CatalogService.GetArtist', ours),
      result: median(ratios),
      unit: 'ratio',
      target: { op: '>=', value: 0.8 },
      pairs: ratios,
      notes: [
        `grpc-js load client: ${GRPC_CLIENTS} process(es), ${GRPC_CONCURRENCY} calls in flight over 1 channel each, ${CFG.seconds} s per run`,
        cpuNote(base, ours),
      ],
    });
  } finally {
    await bare.stop();
  }
}

async function timed(agent: Agent, url: string): Promise<number> {
  const t0 = performance.now();
  const response = await request(url, { dispatcher: agent });
  await response.body.dump();
  const ms = performance.now() - t0;
  if (response.statusCode !== 200) {
    throw new Error(`GET ${url}: ${response.statusCode}`);
  }
  return ms;
}

async function coldOverhead(chorus: Chorus, fake: FakeUpstream): Promise<Row> {
  fake.fault('/deezer/artist/', { latencyMs: UPSTREAM_LATENCY_MS });
  const agent = new Agent({ connections: 1 });
  try {
    // Connections and the first-time code path warm, as in a process that has served first-time lookups before
    // (V8 optimizes a function after some hundred calls); these ids are spent, every measured id is new.
    for (let i = 0; i < CFG.coldWarmup; i += 1) {
      await timed(agent, `${fake.url('deezer')}/artist/${COLD_BASE + COLD_COUNT - 1}`);
      await timed(agent, `${chorus.httpUrl}/v1/artists/deezer:${coldId()}`);
    }
    const direct: number[] = [];
    const ours: number[] = [];
    const overheads: number[] = [];
    for (let pair = 0; pair < CFG.pairs; pair += 1) {
      const d: number[] = [];
      const c: number[] = [];
      for (let i = 0; i < CFG.cold; i += 1) {
        d.push(await timed(agent, `${fake.url('deezer')}/artist/${COLD_BASE + COLD_COUNT - 1}`));
      }
      for (let i = 0; i < CFG.cold; i += 1) {
        c.push(await timed(agent, `${chorus.httpUrl}/v1/artists/deezer:${coldId()}`));
      }
      direct.push(...d);
      ours.push(...c);
      overheads.push(latencyOf(c).p50 - latencyOf(d).p50);
    }
    const run = (samples: number[]): Run => ({
      ...latencyOf(samples),
      rps: NaN,
      errors: 0,
      serverCpu: NaN,
    });
    return row({
      key: 'cold',
      scenario: 'Cold lookup overhead',
      baseline: side(`fake upstream directly (${UPSTREAM_LATENCY_MS} ms delay)`, [run(direct)]),
      chorus: side('first-time GET /v1/artists/deezer:{id}', [run(ours)]),
      result: median(overheads),
      unit: 'ms',
      target: { op: '<=', value: 5 },
      pairs: overheads,
      notes: [
        `one request at a time, ${CFG.cold} fresh ids per run; result = Chorus p50 − upstream p50 (median over ${CFG.pairs} runs)`,
      ],
    });
  } finally {
    fake.clearFaults();
    await agent.close();
  }
}

async function singleFlight(chorus: Chorus, fake: FakeUpstream): Promise<Row> {
  const id = coldId();
  const path = `/deezer/artist/${id}`;
  fake.fault(path, { latencyMs: 300 });
  const agent = new Agent({ connections: 100 });
  try {
    const before = fake.count(path);
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        timed(agent, `${chorus.httpUrl}/v1/artists/deezer:${id}`).then(
          (ms) => ({ ms, ok: true }),
          () => ({ ms: NaN, ok: false }),
        ),
      ),
    );
    const calls = fake.count(path) - before;
    const ok = results.filter((r) => r.ok);
    const latency = latencyOf(ok.map((r) => r.ms));
    return row({
      key: 'single-flight',
      scenario: 'Single flight (100 identical cold)',
      chorus: side('100 concurrent GET, same new id', [
        { ...latency, rps: NaN, errors: results.length - ok.length, serverCpu: NaN },
      ]),
      result: calls,
      unit: 'calls',
      target: { op: '==', value: 1 },
      pairs: [calls],
      notes: [`provider calls ${calls}; ${ok.length}/100 answered 200; upstream delay 300 ms`],
    });
  } finally {
    fake.clearFaults();
    await agent.close();
  }
}

async function login(chorus: Chorus): Promise<Row[]> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery staple';
  const registered = await fetch(`${chorus.httpUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (registered.status !== 201) {
    throw new Error(`register: ${registered.status} ${await registered.text()}`);
  }
  const body = JSON.stringify({ email, password });
  const loginUrl = `${chorus.httpUrl}/v1/auth/login`;
  // bcrypt runs on threads of its own (raw: libuv pool; Chorus: worker threads): both sides get every core and the same number of compares in flight.
  pin(chorus.pid, 'all');
  try {
    const loginRun = (seconds: number): Promise<Run> =>
      httpLoad(
        { url: loginUrl, method: 'POST', body, connections: LOGIN_CONCURRENCY, durationSec: seconds },
        chorus.pid,
      );
    await loginRun(CFG.warmSeconds);
    const { base, ours, ratios } = await alternate(
      () => rawBcrypt(BCRYPT_COST, LOGIN_CONCURRENCY, CFG.seconds * 1000, 'all'),
      () => loginRun(CFG.seconds),
    );
    assertServed('login', ours);
    const loginRow = row({
      key: 'login',
      scenario: 'Login throughput',
      baseline: side(`bcrypt.compare, cost ${BCRYPT_COST}`, base),
      chorus: side('POST /v1/auth/login', ours),
      result: median(ratios),
      unit: 'ratio',
      target: { op: '>=', value: 0.9 },
      pairs: ratios,
      notes: [
        `${LOGIN_CONCURRENCY} in flight on both sides, AUTH_BCRYPT_COST=${BCRYPT_COST}, every core for both; baseline p50 column = wall ms per compare`,
      ],
    });

    // Warm p99 while logins saturate, against idle p99.
    const warmUrl = `${chorus.httpUrl}/v1/artists/${WARM_ID}`;
    const probeOpts = { workers: 4, intervalMs: 20, durationMs: CFG.stormMs };
    const idle: number[] = [];
    const storm: number[] = [];
    const stormRatios: number[] = [];
    const idleRuns: Run[] = [];
    const stormRuns: Run[] = [];
    for (let i = 0; i < CFG.storm; i += 1) {
      const quiet = await probe(warmUrl, probeOpts);
      const [busy] = await Promise.all([probe(warmUrl, probeOpts), loginRun(CFG.stormMs / 1000)]);
      idle.push(...quiet);
      storm.push(...busy);
      const q = latencyOf(quiet);
      const b = latencyOf(busy);
      idleRuns.push({ ...q, rps: quiet.length / (CFG.stormMs / 1000), errors: 0, serverCpu: NaN });
      stormRuns.push({ ...b, rps: busy.length / (CFG.stormMs / 1000), errors: 0, serverCpu: NaN });
      stormRatios.push(b.p99 / q.p99);
    }
    const stormRow = row({
      key: 'login-storm',
      scenario: 'Warm p99 during login storm',
      baseline: side('warm GET at idle', idleRuns),
      chorus: side('warm GET during logins', stormRuns),
      result: median(stormRatios),
      unit: 'ratio',
      target: { op: '<=', value: 3 },
      pairs: stormRatios,
      notes: [
        `probe: 4 loops × one GET per 20 ms (~200/s), µs timing; storm: ${LOGIN_CONCURRENCY} logins in flight; result = storm p99 / idle p99`,
      ],
    });
    return [loginRow, stormRow];
  } finally {
    pin(chorus.pid, 'server');
  }
}

async function databaseTier(env: Record<string, string>, databaseUrl: string): Promise<Row> {
  const chorus = await startChorus({ ...env, REDIS_URL: '', CACHE_L1_TTL_MS: '0' }, 'server', await ports());
  const bare = await startBenchServer(
    'bare-pg-http',
    { DATABASE_URL: databaseUrl, BENCH_PUBLIC_ID: WARM_ID, DB_POOL_SIZE: env.DB_POOL_SIZE ?? '10' },
    'server',
  );
  try {
    const bareUrl = `http://127.0.0.1:${bare.port}/`;
    const chorusUrl = `${chorus.httpUrl}/v1/artists/${WARM_ID}`;
    if ((await mustGet(bareUrl)) === 'null') {
      throw new Error(`no catalog_artists row for ${WARM_ID}`);
    }
    const response = await fetch(chorusUrl);
    await response.text();
    if (response.status !== 200 || response.headers.get('x-cache') === 'MISS') {
      throw new Error(`database tier: ${response.status} x-cache=${response.headers.get('x-cache')}`);
    }
    await httpLoad({ url: bareUrl, connections: CONNECTIONS, durationSec: CFG.warmSeconds }, bare.pid);
    await httpLoad({ url: chorusUrl, connections: CONNECTIONS, durationSec: CFG.warmSeconds }, chorus.pid);
    const { base, ours, ratios } = await alternate(
      () => httpLoad({ url: bareUrl, connections: CONNECTIONS, durationSec: CFG.seconds }, bare.pid),
      () => httpLoad({ url: chorusUrl, connections: CONNECTIONS, durationSec: CFG.seconds }, chorus.pid),
    );
    assertServed('database tier', ours);
    return row({
      key: 'database',
      scenario: 'Database tier (no L1, no Redis)',
      baseline: side('node:http + pg SELECT, same row', base),
      chorus: side('GET /v1/artists/{id} from PostgreSQL', ours),
      result: median(ratios),
      unit: 'ratio',
      target: { op: '>=', value: 0.5 },
      pairs: ratios,
      notes: [
        `REDIS_URL empty, CACHE_L1_TTL_MS=0, pool of ${env.DB_POOL_SIZE ?? 10} on both sides; ${CONNECTIONS} connections`,
        cpuNote(base, ours),
      ],
    });
  } finally {
    await bare.stop();
    await chorus.stop();
  }
}

async function memory(env: Record<string, string>): Promise<Row> {
  const chorus = await startChorus(env, 'server', await ports());
  try {
    const url = `${chorus.httpUrl}/v1/artists/${WARM_ID}`;
    await mustGet(url);
    await sleep(1000);
    const idle = rssMb(chorus.pid);
    const small = await httpLoad({ url, connections: CONNECTIONS, amount: CFG.memSmall }, chorus.pid);
    await sleep(500);
    const after10k = rssMb(chorus.pid);
    const large = await httpLoad({ url, connections: CONNECTIONS, amount: CFG.memLarge - CFG.memSmall }, chorus.pid);
    await sleep(500);
    const after100k = rssMb(chorus.pid);
    assertServed('memory', [small, large]);
    const k = (n: number): string => `${n / 1000}k`;
    return row({
      key: 'memory',
      scenario: `RSS after ${k(CFG.memLarge)} / after ${k(CFG.memSmall)}`,
      chorus: side('warm GET', [large]),
      result: after100k / after10k,
      unit: 'ratio',
      target: { op: '<=', value: 1.2 },
      pairs: [after100k / after10k],
      notes: [
        `RSS idle ${idle.toFixed(1)} MB, after ${k(CFG.memSmall)} ${after10k.toFixed(1)} MB, after ${k(CFG.memLarge)} ${after100k.toFixed(1)} MB`,
      ],
    });
  } finally {
    await chorus.stop();
  }
}

/** The i-th case variant of an id: its letters upper-cased by the bits of i (26 letters: 2^26 variants). */
function caseVariant(id: string, i: number): string {
  let bit = 0;
  return [...id]
    .map((ch) => {
      if (!/[a-z]/.test(ch)) {
        return ch;
      }
      const upper = Math.floor(i / 2 ** bit) % 2 === 1;
      bit += 1;
      return upper ? ch.toUpperCase() : ch;
    })
    .join('');
}

/**
 * 15 000 case variants of one cached id, each a 200 the HTTP cache keeps under its own key (the id DTO does not
 * normalize case): the process must grow by no more than the cache's byte budget + 30 MB.
 */
async function caseVariants(env: Record<string, string>): Promise<Row> {
  const chorus = await startChorus({ ...env, HTTP_CACHE_MAX_BYTES: String(HTTP_CACHE_BYTES) }, 'server', await ports());
  const agent = new Agent({ connections: 16 });
  try {
    const base = `${chorus.httpUrl}/v1/artists/`;
    await mustGet(base + WARM_ID);
    const first = await fetch(base + caseVariant(WARM_ID, 1));
    await first.text();
    if (first.status !== 200 || first.headers.get('cache-status') !== 'chorus; fwd=miss; stored') {
      throw new Error(`case variants: ${first.status}, cache-status ${first.headers.get('cache-status')}`);
    }
    await sleep(1000);
    const before = rssMb(chorus.pid);
    const count = SMOKE ? 1_500 : CASE_VARIANTS;
    let next = 2;
    let failures = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next <= count) {
        const i = next;
        next += 1;
        const response = await request(base + caseVariant(WARM_ID, i), { dispatcher: agent });
        await response.body.dump();
        failures += response.statusCode === 200 ? 0 : 1;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const seconds = (performance.now() - started) / 1000;
    await sleep(500);
    const after = rssMb(chorus.pid);
    const metrics = await mustGet(`${chorus.httpUrl}/metrics`);
    const metric = (name: string): string =>
      /^(\S+) (\S+)$/m.exec(metrics.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? '?';
    const budgetMb = HTTP_CACHE_BYTES / 2 ** 20;
    return row({
      key: 'variants',
      scenario: `${(count / 1000).toFixed(count % 1000 === 0 ? 0 : 1)}k case variants of one cached id: RSS growth`,
      chorus: {
        ...side('GET /v1/artists/{case variant}', []),
        rps: (count - 1) / seconds,
        errors: failures,
      },
      result: after - before,
      unit: 'MB',
      target: { op: '<=', value: budgetMb + 30 },
      pairs: [after - before],
      notes: [
        `RSS ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after; HTTP_CACHE_MAX_BYTES ${budgetMb} MiB; ${failures} non-200`,
        `HTTP cache: ${metric('chorus_http_cache_stores_total')} stored, ${metric('chorus_http_cache_evictions_total')} evicted, ${metric('chorus_http_cache_bytes')} bytes held`,
      ],
    });
  } finally {
    await agent.close();
    await chorus.stop();
  }
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
    AUTH_BCRYPT_COST: String(BCRYPT_COST),
    AUTH_REGISTER_MAX_PER_IP: '100000',
    // Concurrent *successful* logins of one account count as attempts until each finishes (libs/auth
    // beginLogin), so 8 in flight trip the default of 5 and lock the account: see README, "For other owners".
    AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
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

// Hard stop: a stuck run must never hold the machine (full runs take ~5 minutes).
const watchdog = setTimeout(
  () => {
    log('bench: watchdog expired');
    process.exit(2);
  },
  (SMOKE ? 3 : 12) * 60_000,
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
