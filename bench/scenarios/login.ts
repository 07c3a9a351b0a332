import { randomBytes } from 'node:crypto';
import { latencyOf, median, pin, type Chorus } from '../common';
import { alternate, assertServed, BCRYPT_COST, BCRYPT_THREADS, CFG, LOGIN_CONCURRENCY, WARM_ID } from '../config';
import { httpLoad, probe, rawBcrypt, type Run } from '../load';
import { row, side, type Row } from '../report';

/**
 * Accounts the logins are spread over, round robin: twice the logins in flight, as from many users behind one
 * address, and fewer than the default registrations allowed per address (AUTH_REGISTER_MAX_PER_IP, 20). The login
 * throttle runs with its defaults and refuses none of them: it counts completed failures only, and every login
 * here is correct (assertNoRefusals checks it), so one address logging in all the time is never slowed.
 */
const ACCOUNTS = 2 * LOGIN_CONCURRENCY;
const PASSWORD = 'correct horse battery staple';

async function registerAccounts(httpUrl: string): Promise<string[]> {
  const run = randomBytes(4).toString('hex');
  const bodies: string[] = [];
  for (let i = 0; i < ACCOUNTS; i += 1) {
    const body = JSON.stringify({ email: `bench-${run}-${i}@example.com`, password: PASSWORD });
    const registered = await fetch(`${httpUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (registered.status !== 201) {
      throw new Error(`register: ${registered.status} ${await registered.text()}`);
    }
    bodies.push(body);
  }
  return bodies;
}

/** Throughput counts 2xx only: a throttled login (429) must show, not pass as a slow one. */
function assertNoRefusals(runs: Run[]): void {
  const refused = runs.reduce((sum, r) => sum + r.errors, 0);
  if (refused > 0) {
    throw new Error(`login: ${refused} logins failed or were refused (throttled?)`);
  }
}

export async function login(chorus: Chorus): Promise<Row[]> {
  const bodies = await registerAccounts(chorus.httpUrl);
  const loginUrl = `${chorus.httpUrl}/v1/auth/login`;
  // bcrypt runs on threads of its own (raw: libuv's pool; Chorus: AUTH_HASH_CONCURRENCY worker threads): both sides
  // get every core, BCRYPT_THREADS threads and the same number of compares in flight.
  pin(chorus.pid, 'all');
  try {
    const loginRun = (seconds: number): Promise<Run> =>
      httpLoad(
        { url: loginUrl, method: 'POST', bodies, connections: LOGIN_CONCURRENCY, durationSec: seconds },
        chorus.pid,
      );
    await loginRun(CFG.loginWarmSeconds);
    const { base, ours, ratios } = await alternate(
      () => rawBcrypt(BCRYPT_COST, LOGIN_CONCURRENCY, BCRYPT_THREADS, CFG.seconds * 1000, 'all'),
      () => loginRun(CFG.seconds),
    );
    assertServed('login', ours);
    assertNoRefusals(ours);
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
        `${LOGIN_CONCURRENCY} in flight on both sides, AUTH_BCRYPT_COST=${BCRYPT_COST}, every core and ${BCRYPT_THREADS} bcrypt threads for both; logins round robin over ${ACCOUNTS} accounts, default throttles; baseline p50 column = wall ms per compare`,
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
      const [busy, logins] = await Promise.all([probe(warmUrl, probeOpts), loginRun(CFG.stormMs / 1000)]);
      assertNoRefusals([logins]);
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
