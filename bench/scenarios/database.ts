import { median, startBenchServer, startChorus } from '../common';
import { assertServed, CONNECTIONS, cpuNote, mustGet, ports, WARM_ID } from '../config';
import { row, side, type Row } from '../report';
import { httpPairs } from './warm';

/** Every lookup from PostgreSQL: no HTTP cache, no L1, no Redis, against node:http + pg reading the same row. */
export async function databaseTier(env: Record<string, string>, databaseUrl: string): Promise<Row> {
  const chorus = await startChorus(
    { ...env, REDIS_URL: '', CACHE_L1_TTL_MS: '0', HTTP_CACHE_MAX_BYTES: '0' },
    'server',
    await ports(),
  );
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
    for (let i = 0; i < 2; i += 1) {
      // A row already stored, answered by the app itself each time (no chorus-http member: nothing kept it).
      const response = await fetch(chorusUrl);
      await response.text();
      if (response.status !== 200 || response.headers.get('cache-status') !== 'chorus-app; hit') {
        throw new Error(`database tier: ${response.status}, cache-status ${response.headers.get('cache-status')}`);
      }
    }
    const { base, ours, ratios } = await httpPairs(
      { url: bareUrl, pid: bare.pid },
      { url: chorusUrl, pid: chorus.pid },
    );
    assertServed('database tier', ours);
    return row({
      key: 'database',
      scenario: 'Database tier (no HTTP cache, L1, Redis)',
      baseline: side('node:http + pg SELECT, same row', base),
      chorus: side('GET /v1/artists/{id} from PostgreSQL', ours),
      result: median(ratios),
      unit: 'ratio',
      target: { op: '>=', value: 0.5 },
      pairs: ratios,
      notes: [
        `HTTP_CACHE_MAX_BYTES=0, REDIS_URL empty, CACHE_L1_TTL_MS=0, pool of ${env.DB_POOL_SIZE ?? 10} on both sides; ${CONNECTIONS} connections`,
        cpuNote(base, ours),
      ],
    });
  } finally {
    await bare.stop();
    await chorus.stop();
  }
}
