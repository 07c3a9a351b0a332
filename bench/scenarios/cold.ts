import { Agent, request } from 'undici';
import type { FakeUpstream } from '../../test/fake-upstream';
import { latencyOf, median, type Chorus } from '../common';
import { CFG, COLD_BASE, COLD_COUNT, coldId, UPSTREAM_LATENCY_MS } from '../config';
import type { Run } from '../load';
import { row, side, type Row } from '../report';

export async function timed(agent: Agent, url: string): Promise<number> {
  const t0 = performance.now();
  const response = await request(url, { dispatcher: agent });
  await response.body.dump();
  const ms = performance.now() - t0;
  if (response.statusCode !== 200) {
    throw new Error(`GET ${url}: ${response.statusCode}`);
  }
  return ms;
}

export async function coldOverhead(chorus: Chorus, fake: FakeUpstream): Promise<Row> {
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

export async function singleFlight(chorus: Chorus, fake: FakeUpstream): Promise<Row> {
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
