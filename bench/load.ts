import { fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { cpuSeconds, latencyOf, pin, sleep, track, type Placement } from './common';
import type { GrpcLoadResult } from './servers/grpc-load';

/** One load run: throughput, latency, errors, and how busy the server was meanwhile. */
export interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU the server used per wall second (1 = one core busy); low values mean the load generator limited the run. */
  serverCpu: number;
}

async function measured<T>(
  serverPid: number,
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number; cpu: number }> {
  const cpu0 = cpuSeconds(serverPid);
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { value, seconds, cpu: (cpuSeconds(serverPid) - cpu0) / seconds };
}

export interface HttpLoad {
  url: string;
  connections: number;
  durationSec?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  body?: string;
  /** Bodies sent in turn, one per request (overrides `body`): e.g. logins spread over several accounts. */
  bodies?: string[];
}

/** autocannon's request list for `bodies`: each request takes the next body, round robin over all connections. */
function rotating(method: 'GET' | 'POST', bodies: string[]): autocannon.Options['requests'] {
  let next = 0;
  return [
    {
      method,
      setupRequest: (request) => {
        const body = bodies[next % bodies.length];
        next += 1;
        return { ...request, body };
      },
    },
  ];
}

/** autocannon, in this (load generator) process. Throughput counts 2xx answers only. */
export async function httpLoad(load: HttpLoad, serverPid: number): Promise<Run> {
  const { value, seconds, cpu } = await measured(serverPid, () =>
    autocannon({
      url: load.url,
      connections: load.connections,
      ...(load.amount ? { amount: load.amount } : { duration: load.durationSec ?? 5 }),
      method: load.method ?? 'GET',
      body: load.body,
      requests: load.bodies ? rotating(load.method ?? 'GET', load.bodies) : undefined,
      headers: load.body || load.bodies ? { 'content-type': 'application/json' } : undefined,
      timeout: 10,
    }),
  );
  return {
    rps: value['2xx'] / seconds,
    p50: value.latency.p50,
    p99: value.latency.p99,
    errors: value.errors + value.timeouts + value.non2xx,
    serverCpu: cpu,
  };
}

/** The grpc-js load client in `processes` forked processes (each pinned like a load generator). */
export async function grpcLoad(
  opts: { address: string; id: string; concurrency: number; channels: number; durationMs: number; processes: number },
  serverPid: number,
): Promise<Run> {
  const { value, seconds, cpu } = await measured(serverPid, () =>
    Promise.all(
      Array.from(
        { length: opts.processes },
        () =>
          new Promise<GrpcLoadResult>((resolve, reject) => {
            const child = track(
              fork(join(__dirname, 'servers', 'grpc-load.js'), [], {
                env: {
                  PATH: process.env.PATH ?? '',
                  BENCH_ADDRESS: opts.address,
                  BENCH_ID: opts.id,
                  BENCH_CONCURRENCY: String(Math.ceil(opts.concurrency / opts.processes)),
                  BENCH_CHANNELS: String(opts.channels),
                  BENCH_DURATION_MS: String(opts.durationMs),
                },
                serialization: 'advanced',
                stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
              }),
            );
            if (child.pid !== undefined) {
              pin(child.pid, 'client');
            }
            let err = '';
            child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
            child.once('message', (message) => resolve(message as GrpcLoadResult));
            child.once('exit', (code) =>
              code === 0 ? undefined : reject(new Error(`grpc load exited ${code}: ${err}`)),
            );
          }),
      ),
    ),
  );
  const ok = value.reduce((sum, r) => sum + r.ok, 0);
  const all = new Float64Array(ok);
  let offset = 0;
  for (const r of value) {
    all.set(r.latencies, offset);
    offset += r.latencies.length;
  }
  const { p50, p99 } = latencyOf(all);
  // The clients' own windows (after warm-up), not the fork time.
  const window = Math.max(...value.map((r) => r.seconds));
  return {
    rps: ok / window,
    p50,
    p99,
    errors: value.reduce((sum, r) => sum + r.errors, 0),
    serverCpu: cpu * (seconds / window),
  };
}

/**
 * A fixed-rate latency probe (µs resolution, unlike autocannon's histogram): `workers` loops, each sending one
 * request per `intervalMs` and waiting for it, for `durationMs`.
 */
export async function probe(
  url: string,
  opts: { workers: number; intervalMs: number; durationMs: number },
): Promise<number[]> {
  const agent = new Agent({ connections: opts.workers, keepAliveTimeout: 30_000 });
  const samples: number[] = [];
  const deadline = performance.now() + opts.durationMs;
  const worker = async (offset: number): Promise<void> => {
    await sleep(offset);
    while (performance.now() < deadline && samples.length < 1_000_000) {
      const t0 = performance.now();
      const response = await request(url, { dispatcher: agent });
      await response.body.dump();
      if (response.statusCode === 200) {
        samples.push(performance.now() - t0);
      }
      await sleep(Math.max(0, opts.intervalMs - (performance.now() - t0)));
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, i) => worker((i * opts.intervalMs) / opts.workers)));
  await agent.close();
  return samples;
}

/** Raw bcrypt.compare throughput at a cost, `concurrency` compares in flight on `threads` threads, in its own process. */
export function rawBcrypt(
  cost: number,
  concurrency: number,
  threads: number,
  durationMs: number,
  placement: Placement,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, [join(__dirname, 'servers', 'bcrypt-raw.js')], {
        env: {
          PATH: process.env.PATH ?? '',
          BENCH_BCRYPT_COST: String(cost),
          BENCH_CONCURRENCY: String(concurrency),
          BENCH_DURATION_MS: String(durationMs),
          UV_THREADPOOL_SIZE: String(threads),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    if (child.pid !== undefined) {
      pin(child.pid, placement);
    }
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      const match = /RESULT (.*)/.exec(out);
      if (code !== 0 || !match?.[1]) {
        reject(new Error(`bcrypt baseline exited ${code}: ${err}`));
        return;
      }
      const result = JSON.parse(match[1]) as { ops: number; seconds: number };
      const perOp = (result.seconds * 1000 * concurrency) / Math.max(1, result.ops);
      resolve({ rps: result.ops / result.seconds, p50: perOp, p99: NaN, errors: 0, serverCpu: NaN });
    });
  });
}
