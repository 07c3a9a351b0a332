import { join } from 'node:path';
import { Agent, request } from 'undici';
import { APP_DIR, rssMb, sleep, startChorus } from '../common';
import { assertServed, CASE_VARIANTS, CFG, CONNECTIONS, mustGet, ports, SMOKE, WARM_ID } from '../config';
import { httpLoad } from '../load';
import { row, side, type Row } from '../report';

export async function memory(env: Record<string, string>): Promise<Row> {
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
export function caseVariant(id: string, i: number): string {
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
 * The HTTP cache's byte budget the app under test runs with: the setting when the bench sets it, else the default
 * compiled into that app (its HttpSettings), so the target follows the default wherever it is changed.
 */
function httpCacheBudget(env: Record<string, string>): number {
  if (env.HTTP_CACHE_MAX_BYTES !== undefined) {
    return Number(env.HTTP_CACHE_MAX_BYTES);
  }
  const settingsFile = join(APP_DIR, 'libs', 'core', 'src', 'config', 'core.settings.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app's own compiled settings, at run time
  const { HttpSettings } = require(settingsFile) as { HttpSettings: new () => { HTTP_CACHE_MAX_BYTES: number } };
  return new HttpSettings().HTTP_CACHE_MAX_BYTES;
}

/**
 * 15 000 case variants of one cached id, each a 200 the HTTP cache keeps under its own key (the id DTO does not
 * normalize case): the process must grow by no more than the cache's byte budget + 30 MB.
 */
export async function caseVariants(env: Record<string, string>): Promise<Row> {
  const budget = httpCacheBudget(env);
  const chorus = await startChorus(env, 'server', await ports());
  const agent = new Agent({ connections: 16 });
  try {
    const base = `${chorus.httpUrl}/v1/artists/`;
    await mustGet(base + WARM_ID);
    const first = await fetch(base + caseVariant(WARM_ID, 1));
    await first.text();
    if (first.status !== 200 || !/chorus-http; fwd=miss; stored$/.test(first.headers.get('cache-status') ?? '')) {
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
    const budgetMb = budget / 2 ** 20;
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
        `RSS ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after; HTTP_CACHE_MAX_BYTES ${budgetMb} MiB (${env.HTTP_CACHE_MAX_BYTES === undefined ? "the app's default" : 'set by the bench'}); ${failures} non-200`,
        `HTTP cache: ${metric('chorus_http_cache_stores_total')} stored, ${metric('chorus_http_cache_evictions_total')} evicted, ${metric('chorus_http_cache_bytes')} bytes held`,
      ],
    });
  } finally {
    await agent.close();
    await chorus.stop();
  }
}
