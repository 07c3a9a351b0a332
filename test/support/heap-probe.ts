import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Preloaded into a spawned app (`node --expose-gc --require <file>`, with an IPC channel) to measure what the app
 * keeps alive while it works. 'start': a full collection, whose memory in use is the baseline; from then on the
 * memory in use after a full collection is sampled `intervalMs` after the previous sample. 'stop': the highest sample. Measured after
 * full collections, so garbage never counts, only what is still reachable. `external` adds the memory outside the
 * JS heap (Buffers and other ArrayBuffers live there), which the heap alone does not show.
 */
const PROBE = `'use strict';
let timer;
let baseline = 0;
let peak = 0;
let external = false;
function live() {
  global.gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + (external ? usage.external : 0);
}
process.on('message', (message) => {
  if (message.command === 'start') {
    external = message.external;
    baseline = live();
    peak = baseline;
    clearTimeout(timer);
    // Timed from the end of the last sample: a collection slower than the interval cannot take the whole process.
    const sample = () => { peak = Math.max(peak, live()); timer = setTimeout(sample, message.intervalMs); };
    timer = setTimeout(sample, message.intervalMs);
    process.send({ baseline });
  } else if (message.command === 'stop') {
    clearTimeout(timer);
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

export interface ProbeOptions {
  /** Between samples; each forces a full collection, so a busy app wants them sparse. */
  intervalMs: number;
  /** Counts memory outside the JS heap too (Buffers, ArrayBuffers), not only the heap. */
  external: boolean;
}

type ProbeMessage = ({ command: 'start' } & ProbeOptions) | { command: 'stop' };

async function ask(child: ChildProcess, message: ProbeMessage): Promise<HeapSample> {
  const answer = once(child, 'message') as Promise<[HeapSample]>;
  child.send(message);
  const [sample] = await answer;
  return sample;
}

/** The highest heap in use (after full collections) while `work` runs, above the heap in use before it. */
export function heapGrowthDuring(child: ChildProcess, work: () => Promise<unknown>): Promise<number> {
  return growthDuring(child, work, { intervalMs: 1, external: false });
}

/** The highest memory in use, as `options` count it, while `work` runs, above what was in use before it. */
export async function growthDuring(
  child: ChildProcess,
  work: () => Promise<unknown>,
  options: ProbeOptions,
): Promise<number> {
  await ask(child, { command: 'start', ...options });
  await work();
  const { baseline, peak } = await ask(child, { command: 'stop' });
  return peak - baseline;
}
