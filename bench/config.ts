import { freePort } from '../test/support/ports';
import { CPUS, median } from './common';
import type { Run } from './load';

export const SMOKE = process.argv.includes('--smoke');
export const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

/** Every knob in one place; smoke runs each scenario for a second or two, once. */
export const CFG = SMOKE
  ? {
      pairs: 1,
      seconds: 1.5,
      warmSeconds: 0.5,
      loginWarmSeconds: 0.5,
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
      // ~30 logins a second: one second warms the login path with ~30 calls, while V8 keeps compiling it for
      // hundreds (its compiler threads took ~1 ms per login over the first ~840, measured 2026-12-06), on the
      // cores bcrypt needs. The row measures steady throughput, so it warms as long as that takes.
      loginWarmSeconds: 15,
      cold: 100,
      coldWarmup: 100,
      storm: 2,
      stormMs: 6000,
      memSmall: 10_000,
      memLarge: 100_000,
    };
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const GRPC_CONCURRENCY = Number(process.env.BENCH_GRPC_CONCURRENCY ?? 32);
export const GRPC_CLIENTS = Number(process.env.BENCH_GRPC_CLIENTS ?? 1);
export const BCRYPT_COST = Number(process.env.BENCH_BCRYPT_COST ?? 10);
export const LOGIN_CONCURRENCY = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? 8);
/**
 * bcrypt threads on both sides of the login rows: Chorus's AUTH_HASH_CONCURRENCY and the raw baseline's libuv pool
 * (UV_THREADPOOL_SIZE). The core count, which is Chorus's default on a server that is not pinned; the same on both
 * sides, so both run the same parallelism (libuv's default pool of 4 would give the baseline more threads than cores).
 */
export const BCRYPT_THREADS = CPUS;
export const UPSTREAM_LATENCY_MS = 20;
export const LOG_LEVEL = 'warn';

export const WARM_ID = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
export const CASE_VARIANTS = 15_000;
/** Generated Deezer artists (fake upstream fixtures) for first-time lookups: ids never asked before. */
export const COLD_BASE = 900_000;
export const COLD_COUNT = 2_000;

export const log = (line: string): void => void process.stdout.write(`${line}\n`);
export const cleanups: Array<() => Promise<unknown>> = [];

let nextCold = COLD_BASE;
export const coldId = (): number => {
  if (nextCold >= COLD_BASE + COLD_COUNT) {
    throw new Error('out of cold artist fixtures');
  }
  return nextCold++;
};

export async function ports(): Promise<{ http: number; grpc: number }> {
  return { http: await freePort(), grpc: await freePort() };
}

export async function getJson(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

export async function mustGet(url: string): Promise<string> {
  const { status, text } = await getJson(url);
  if (status !== 200) {
    throw new Error(`GET ${url}: ${status} ${text.slice(0, 300)}`);
  }
  return text;
}

/** Runs `pairs` × (baseline, Chorus) back to back; the result is the median of the per-pair ratios. */
export async function alternate(
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

export function assertServed(name: string, runs: Run[]): void {
  if (runs.every((r) => !(r.rps > 0))) {
    throw new Error(`${name}: no successful request`);
  }
}

export function cpuNote(base: Run[], ours: Run[]): string {
  const pct = (runs: Run[]): string => `${Math.round(median(runs.map((r) => r.serverCpu)) * 100)}%`;
  return `server CPU during load: baseline ${pct(base)}, Chorus ${pct(ours)} of one core`;
}
