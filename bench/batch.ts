import { loadavg } from 'node:os';
import { Agent, request } from 'undici';
import { cpuSeconds, median, type Chorus } from './common';
import { row, side, type Row } from './report';

/**
 * Issue 18 "Speed": a warm 100-id batch costs less server CPU than 10 single warm lookups. Both sides ask for
 * entities already kept (so neither reaches a provider); each pair measures the server's CPU (/proc, user +
 * system) over `rounds` batches of 100 ids and over 10 × `rounds` single lookups of the same ids, one after the
 * other, and the result is the median ratio batch / singles.
 */
export async function warmBatchCpu(chorus: Chorus, ids: readonly string[], smoke: boolean): Promise<Row> {
  const rounds = smoke ? 20 : 200;
  const pairs = smoke ? 1 : 5;
  const agent = new Agent({ connections: 10 });
  const body = JSON.stringify({ ids });
  const post = async (): Promise<void> => {
    const response = await request(`${chorus.httpUrl}/v1/artists:batchGet`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      dispatcher: agent,
    });
    const answer = (await response.body.json()) as {
      entries?: Array<{ id: string; status: string; freshness?: string; detail?: string }>;
    };
    const entries = answer.entries ?? [];
    const cold = entries.filter((e) => e.status !== 'OK' || e.freshness !== 'HIT');
    if (response.statusCode !== 200 || entries.length !== ids.length || cold.length > 0) {
      const first = cold[0];
      throw new Error(
        `batchGet: ${response.statusCode}, ${ids.length - cold.length}/${ids.length} warm` +
          (first ? ` (e.g. ${first.id}: ${first.status} ${first.freshness ?? first.detail ?? ''})` : ''),
      );
    }
  };
  const get = async (id: string): Promise<void> => {
    const response = await request(`${chorus.httpUrl}/v1/artists/${id}`, { dispatcher: agent });
    await response.body.dump();
    if (response.statusCode !== 200) {
      throw new Error(`GET ${id}: ${response.statusCode}`);
    }
  };
  const cpuOf = async (work: () => Promise<void>): Promise<number> => {
    const before = cpuSeconds(chorus.pid);
    await work();
    return cpuSeconds(chorus.pid) - before;
  };
  try {
    // The first batch keeps every id (Deezer: one single lookup each); a warm-up of both sides follows, every
    // single lookup twice so that all of them are HTTP cache hits from the first pair on.
    await post().catch(() => undefined);
    await post();
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < ids.length; i += 10) {
        await Promise.all(ids.slice(i, i + 10).map(get));
      }
    }
    const loadBefore = loadavg()
      .map((v) => v.toFixed(2))
      .join(' / ');
    const ratios: number[] = [];
    const batchCpu: number[] = [];
    const singleCpu: number[] = [];
    for (let pair = 0; pair < pairs; pair += 1) {
      const singles = await cpuOf(async () => {
        for (let round = 0; round < rounds; round += 1) {
          // Ten lookups in flight at once, as a client without batches would send them.
          await Promise.all(ids.slice((round * 10) % ids.length, ((round * 10) % ids.length) + 10).map(get));
        }
      });
      const batches = await cpuOf(async () => {
        for (let round = 0; round < rounds; round += 1) {
          await post();
        }
      });
      singleCpu.push(singles);
      batchCpu.push(batches);
      ratios.push(batches / singles);
    }
    const perCall = (seconds: number[]): number => (median(seconds) / rounds) * 1000;
    return row({
      key: 'batch',
      scenario: 'Warm 100-id batch vs 10 single lookups: server CPU',
      baseline: { ...side('10 × GET /v1/artists/{id}', []), p50: perCall(singleCpu) },
      chorus: { ...side('POST /v1/artists:batchGet (100 ids)', []), p50: perCall(batchCpu) },
      result: median(ratios),
      unit: 'ratio',
      target: { op: '<=', value: 1 },
      pairs: ratios,
      notes: [
        `server CPU per batch ${perCall(batchCpu).toFixed(2)} ms vs per 10 singles ${perCall(singleCpu).toFixed(2)} ms (p50 columns); ${rounds} rounds per side per pair, /proc clock ticks`,
        `singles are HTTP cache hits, the batch crosses Nest (bench/README.md); load average ${loadBefore} before, ${loadavg()
          .map((v) => v.toFixed(2))
          .join(' / ')} after`,
      ],
    });
  } finally {
    await agent.close();
  }
}
