import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeUpstream } from '../../test/fake-upstream';
import { REPO_ROOT, sleep, type Chorus } from '../common';
import { row, side, type Row } from '../report';

/** A generated Deezer playlist of 500 tracks (test/fake-upstream/fake-playlists.ts: `77NNNN` holds NNNN). */
export const IMPORT_PLAYLIST = 'https://www.deezer.com/playlist/770500';
const IMPORT_TRACKS = 500;
/** Between two reads of the job: the wall time is known to within this. */
const POLL_MS = 25;
const DEADLINE_MS = 120_000;

interface RateLimit {
  requests: number;
  windowSec: number;
}

/**
 * The providers' published limits, as Chorus's defaults table (`PROVIDER_DEFAULTS`) has them. Read from
 * .env.example, which `npm run env:example` generates from that table (a CI test keeps the two equal): the
 * compiled bench cannot load the app's libraries, and the bench's own Chorus runs with a raised Deezer limit.
 */
function defaultRateLimits(): Map<string, RateLimit> {
  const line = /^#?PROVIDER_RATE_LIMITS=(.*)$/m.exec(readFileSync(join(REPO_ROOT, '.env.example'), 'utf8'));
  const limits = new Map<string, RateLimit>();
  for (const entry of (line?.[1] ?? '').split(',')) {
    const match = /^([a-z-]+)=(\d+)\/(\d+)s$/.exec(entry.trim());
    if (match) {
      limits.set(match[1], { requests: Number(match[2]), windowSec: Number(match[3]) });
    }
  }
  if (limits.size === 0) {
    throw new Error('import: no PROVIDER_RATE_LIMITS line in .env.example');
  }
  return limits;
}

/**
 * The least time `calls` calls take under `limit`, as Chorus's limiter counts (a fixed window of `requests`
 * slots): every window after the first that the calls need must wait for. Evenly paced calls (requests/window
 * per second) would take (calls − 1) × window / requests instead; the notes show both.
 */
export function rateLimitFloorMs(calls: number, limit: RateLimit): { windows: number; paced: number } {
  if (calls <= 0) {
    return { windows: 0, paced: 0 };
  }
  return {
    windows: Math.floor((calls - 1) / limit.requests) * limit.windowSec * 1000,
    paced: ((calls - 1) * limit.windowSec * 1000) / limit.requests,
  };
}

async function register(httpUrl: string): Promise<string> {
  const response = await fetch(`${httpUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-import-${randomBytes(4).toString('hex')}@example.com`,
      password: 'correct horse battery staple',
    }),
  });
  const body = (await response.json()) as { tokens?: { accessToken?: string } };
  const token = body.tokens?.accessToken;
  if (response.status !== 201 || !token) {
    throw new Error(`import: register answered ${response.status}`);
  }
  return token;
}

interface Job {
  id: string;
  state: string;
  total?: number;
  processed?: number;
  imported?: number;
  error?: { code: string; message: string } | null;
}

/** POST the import (202 + job), then GET the job every POLL_MS until it ends; the wall time covers both. */
async function importOnce(httpUrl: string, token: string): Promise<{ job: Job; ms: number }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const started = await fetch(`${httpUrl}/v1/me/playlists/import`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: IMPORT_PLAYLIST }),
  });
  let job = (await started.json()) as Job;
  if (started.status !== 202) {
    throw new Error(`import: POST answered ${started.status} ${JSON.stringify(job)}`);
  }
  while (job.state !== 'done' && job.state !== 'failed') {
    if (performance.now() - t0 > DEADLINE_MS) {
      throw new Error(`import: not done within ${DEADLINE_MS} ms: ${JSON.stringify(job)}`);
    }
    await sleep(POLL_MS);
    const polled = await fetch(`${httpUrl}/v1/me/imports/${job.id}`, { headers });
    job = (await polled.json()) as Job;
    if (polled.status !== 200) {
      throw new Error(`import: GET job answered ${polled.status} ${JSON.stringify(job)}`);
    }
  }
  return { job, ms: performance.now() - t0 };
}

/** Provider calls the fake upstream saw since `from` (its log index), by provider (first path segment). */
function callsByProvider(fake: FakeUpstream, from: number): Map<string, number> {
  const calls = new Map<string, number>();
  for (const request of fake.requests('/').slice(from)) {
    const provider = request.path.split('/')[1] ?? '';
    calls.set(provider, (calls.get(provider) ?? 0) + 1);
  }
  return calls;
}

/**
 * Issue 18 "Speed": a 500-track playlist import costs at most 20 provider calls, counted at the fake upstream,
 * and its wall time is reported against the floor the providers' own rate limits put on that many calls.
 * One import of a playlist no one imported before (a second one could be answered from what the first kept).
 */
export async function playlistImport(chorus: Chorus, fake: FakeUpstream): Promise<Row> {
  const token = await register(chorus.httpUrl);
  fake.clearFaults();
  const from = fake.requests('/').length;
  const { job, ms } = await importOnce(chorus.httpUrl, token);
  if (job.state !== 'done' || job.imported !== IMPORT_TRACKS) {
    throw new Error(`import: ended ${job.state}, ${job.imported ?? 0}/${IMPORT_TRACKS} imported`);
  }
  const calls = callsByProvider(fake, from);
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const limits = defaultRateLimits();
  // Providers are called side by side, so the slowest one's floor is the import's.
  const floors = [...calls].map(([provider, n]) => {
    const limit = limits.get(provider);
    const floor = limit ? rateLimitFloorMs(n, limit) : { windows: NaN, paced: NaN };
    const perCall = limit ? rateLimitFloorMs(IMPORT_TRACKS, limit) : { windows: NaN, paced: NaN };
    const rate = limit ? `${limit.requests} per ${limit.windowSec} s` : 'no default limit';
    return {
      floor,
      note:
        `${provider}: ${n} call${n === 1 ? '' : 's'} at its default limit of ${rate}: floor ${(floor.windows / 1000).toFixed(1)} s ` +
        `(${(floor.paced / 1000).toFixed(1)} s evenly paced); one call per track (${IMPORT_TRACKS}) would need ` +
        `${(perCall.windows / 1000).toFixed(1)} s (${(perCall.paced / 1000).toFixed(1)} s paced)`,
    };
  });
  const floorMs = Math.max(0, ...floors.map((f) => f.floor.windows).filter(Number.isFinite));
  const single = (p50: number) => [{ p50, p99: NaN, rps: NaN, errors: 0, serverCpu: NaN }];
  return row({
    key: 'import',
    scenario: '500-track playlist import (provider calls)',
    baseline: side("floor of the providers' default rate limits for those calls (p50 column, ms)", single(floorMs)),
    chorus: side('POST /v1/me/playlists/import, GET /v1/me/imports/{id} until done: wall ms', single(ms)),
    result: total,
    unit: 'calls',
    target: { op: '<=', value: 20 },
    pairs: [total],
    notes: [
      `${IMPORT_PLAYLIST} (${IMPORT_TRACKS} generated tracks): ${total} provider calls at the fake upstream, wall ${(ms / 1000).toFixed(2)} s from the POST to the job read as done (polled every ${POLL_MS} ms), against a rate-limit floor of ${(floorMs / 1000).toFixed(1)} s`,
      ...floors.map((f) => f.note),
      "the bench's Chorus runs with PROVIDER_RATE_LIMITS=deezer=10000/1s (for the cold rows); the floors use the defaults (.env.example)",
    ],
  });
}
