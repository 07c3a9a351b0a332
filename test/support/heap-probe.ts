import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Preloaded into a spawned app (`node --expose-gc --require <file>`, with an IPC channel) to measure what the app
 * keeps alive while it works. 'start': a full collection, whose heap in use is the baseline; from then on the heap
 * in use after a full collection is sampled at every turn of the event loop. 'stop': the highest sample. Measured
 * after full collections, so garbage never counts, only what is still reachable.
 */
const PROBE = `'use strict';
let timer;
let baseline = 0;
let peak = 0;
function live() {
  global.gc();
  return process.memoryUsage().heapUsed;
}
process.on('message', (message) => {
  if (message === 'start') {
    baseline = live();
    peak = baseline;
    clearInterval(timer);
    timer = setInterval(() => { peak = Math.max(peak, live()); }, 1);
    process.send({ baseline });
  } else if (message === 'stop') {
    clearInterval(timer);
    peak = Math.max(peak, live());
    process.send({ baseline, peak });
  }
});
process.channel.unref();
`;

/** The node options that load the probe into a spawned app (with `ipc: true`). */
export function heapProbeArgs(): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'chorus-heap-probe-')), 'heap-probe.js');
  writeFileSync(file, PROBE);
  return ['--expose-gc', '--require', file];
}

export interface HeapSample {
  baseline: number;
  peak: number;
}

async function ask(child: ChildProcess, message: string): Promise<HeapSample> {
  const answer = once(child, 'message') as Promise<[HeapSample]>;
  child.send(message);
  const [sample] = await answer;
  return sample;
}

/** The highest heap in use (after full collections) while `work` runs, above the heap in use before it. */
export async function heapGrowthDuring(child: ChildProcess, work: () => Promise<unknown>): Promise<number> {
  await ask(child, 'start');
  await work();
  const { baseline, peak } = await ask(child, 'stop');
  return peak - baseline;
}
