import { readFileSync } from 'node:fs';
import type { Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';
import { LoadLoop } from './resilience-helpers';

/** About a minute in CI; CHORUS_LOAD_SECONDS shortens it for a quick local run. */
const SECONDS = Number(process.env.CHORUS_LOAD_SECONDS ?? 60);
jest.setTimeout((SECONDS + 90) * 1000);

const PASSWORD = 'correct horse battery';
const WARM = [
  '/v1/artists/musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56',
  '/v1/albums/musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f',
  '/v1/tracks/deezer:3135556',
];

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

interface Call {
  kind: string;
  status: number;
}

describe('Mixed load for about a minute', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let sut: SpawnedApp;
  let catalog: Client;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('load');
    sut = await spawnApp(
      upstreamEnv(fake, {
        DATABASE_URL: db.url,
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: `test:${db.name}:`,
        AUTH_LOGIN_MAX_FAILURES_PER_IP: '1000000',
        AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
        AUTH_REGISTER_MAX_PER_IP: '1000',
        LOG_LEVEL: 'warn',
        // Every cold search adds answers to the in-process cache; a small cap makes it full within the warm-up,
        // so growth measured afterwards is a leak, not the cache filling up to its default 10k entries.
        CACHE_L1_MAX_ITEMS: '200',
        // A bounded heap makes V8 collect instead of growing: RSS growth then reflects what is really retained,
        // and a leak ends in a crash that the exit-code check catches.
        NODE_OPTIONS: '--max-old-space-size=192',
      }),
    );
    await sut.waitReady();
    catalog = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    catalog.close();
    await sut.stop('SIGKILL');
    await db.drop();
    await fake.stop();
  });

  it('should answer warm and cold lookups, searches, logins and refreshes without one error, memory stable', async () => {
    const url = sut.httpUrl;
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const email = 'load@example.com';
    expect((await post('/v1/auth/register', { email, password: PASSWORD })).status).toBe(201);
    for (const path of WARM) {
      expect((await fetch(`${url}${path}`)).status).toBe(200);
    }

    // Each HTTP worker keeps its own refresh-token chain (rotation: a token is used exactly once).
    const chains = new Map<number, string>();
    const http = new LoadLoop<Call>(async (n) => {
      const kind = ['warm', 'warm', 'cold', 'search', 'login', 'refresh'][n % 6];
      if (kind === 'warm') {
        const response = await fetch(`${url}${WARM[n % WARM.length]}`);
        await response.arrayBuffer();
        return { kind, status: response.status };
      }
      if (kind === 'cold' || kind === 'search') {
        // A text never asked before: a cold read through every search provider and PostgreSQL.
        const response = await fetch(`${url}/v1/search?type=${kind === 'cold' ? 'artist' : 'track'}&q=load+${n}`);
        await response.arrayBuffer();
        return { kind, status: response.status };
      }
      const chain = n % 7;
      const token = chains.get(chain);
      const response =
        kind === 'refresh' && token
          ? await post('/v1/auth/refresh', { refreshToken: token })
          : await post('/v1/auth/login', { email, password: PASSWORD });
      const body = (await response.json()) as { refreshToken?: string; tokens?: { refreshToken: string } };
      chains.set(chain, body.refreshToken ?? body.tokens?.refreshToken ?? '');
      return { kind, status: response.status };
    }, 8);
    const grpc = new LoadLoop<Call>(async () => {
      const result = await grpcCall(catalog, 'GetArtist', { id: WARM[0].replace('/v1/artists/', '') });
      return { kind: 'grpc', status: result.error ? 500 + result.error.code : 200 };
    }, 2);

    const samples: number[] = [];
    const started = Date.now();
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      samples.push(rssBytes(sut.process.pid ?? 0));
    }
    const results = [...(await http.stop()), ...(await grpc.stop())];

    const failures = results.filter((r) => r.result.status !== 200);
    const byKind = results.reduce<Record<string, number>>((acc, r) => {
      acc[r.result.kind] = (acc[r.result.kind] ?? 0) + 1;
      return acc;
    }, {});
    expect({ failures: failures.slice(0, 5).map((f) => f.result), count: failures.length }).toEqual({
      failures: [],
      count: 0,
    });
    expect(Object.keys(byKind).sort()).toEqual(['cold', 'grpc', 'login', 'refresh', 'search', 'warm']);
    // Latency under load is a timing goal: it lives in bench/ as a ratio, not here as a wall-clock bound.

    // Memory: after the first quarter (JIT, pools, caches filling), RSS may wobble but must not keep climbing.
    const settled = samples.slice(Math.floor(samples.length / 4));
    const growth = Math.max(...settled.slice(-3)) - Math.min(...settled.slice(0, 3));
    expect(growth).toBeLessThan(96 * 1024 * 1024);
    expect(sut.process.exitCode).toBeNull();
  });
});
