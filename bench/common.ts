import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the first parent with Chorus's package.json (bench runs compiled, from node_modules/.cache). */
export const REPO_ROOT = ((): string => {
  let dir = __dirname;
  for (let i = 0; i < 10; i += 1) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'chorus') {
      return dir;
    }
    dir = dirname(dir);
  }
  return process.cwd();
})();

/** Where `tsc -p bench/tsconfig.json` puts the compiled benchmarks: `<cache>/bench/*.js`. */
export const BUILD_DIR = resolve(__dirname, '..');
/** A private copy of `dist/`, so a `nest build` by someone else (it empties dist/) cannot pull the app away mid-run. */
export const APP_DIR = join(BUILD_DIR, 'app');
export const APP_MAIN = join(APP_DIR, 'apps', 'api', 'src', 'main.js');

/** Every child this process started, killed on exit so no server outlives a failed or stopped run. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
});

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------- statistics

export interface Latency {
  p50: number;
  p99: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export function latencyOf(samples: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(samples).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

// ---------------------------------------------------------------------------------------------- processes

/** The machine's cores, read at load, before this process pins itself to the load generators' half. */
export const CPUS = availableParallelism();
const HAS_TASKSET = process.platform === 'linux' && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** server: the first half of the cores; client: the other half; all: every core. */
export type Placement = 'server' | 'client' | 'all';

function cpuList(placement: Placement): string | undefined {
  if (!HAS_TASKSET || CPUS < 2) {
    return undefined;
  }
  const half = Math.floor(CPUS / 2);
  switch (placement) {
    case 'server':
      return half === 1 ? '0' : `0-${half - 1}`;
    case 'client':
      return half === CPUS - 1 ? String(half) : `${half}-${CPUS - 1}`;
    case 'all':
      return `0-${CPUS - 1}`;
  }
}

/** Pins every thread of a process (taskset -a), so server and load generator do not starve each other. */
export function pin(pid: number, placement: Placement): void {
  const cpus = cpuList(placement);
  if (cpus) {
    spawnSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
  }
}

export function pinningNote(): string {
  return cpuList('server')
    ? `servers pinned to CPU ${cpuList('server')}, load generators to CPU ${cpuList('client')} (taskset)`
    : 'no CPU pinning (taskset unavailable or one core)';
}

/** CPU seconds (user + system, all threads) a process used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export interface Service {
  child: ChildProcess;
  pid: number;
  /** The first stdout line of a bench server: `READY <port>`. */
  port: number;
  stderr(): string;
  stop(): Promise<void>;
}

function tail(text: string): string {
  return text.length > 4000 ? text.slice(-4000) : text;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts a compiled bench server (`bench/servers/<name>.js`) and waits for its `READY <port>` line. */
export async function startBenchServer(
  name: string,
  env: Record<string, string>,
  placement: Placement,
  timeoutMs = 20_000,
): Promise<Service> {
  const child = track(
    spawn(process.execPath, [join(__dirname, 'servers', `${name}.js`)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  if (child.pid === undefined) {
    throw new Error(`could not start ${name}`);
  }
  pin(child.pid, placement);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err = tail(err + chunk.toString())));
  const port = await new Promise<number>((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${err}`));
    });
  });
  const pid = child.pid;
  return { child, pid, port, stderr: () => err, stop: () => stopChild(child) };
}

export interface Chorus {
  pid: number;
  httpUrl: string;
  grpcAddress: string;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the app from the private copy of dist/. Its stdout (pino's JSON lines) goes to /dev/null: every line
 * is still serialized and written, but no reader on this machine competes for the CPU.
 */
export async function startChorus(
  env: Record<string, string>,
  placement: Placement,
  ports: { http: number; grpc: number },
): Promise<Chorus> {
  // BENCH_CPU_PROF_DIR=<dir>: every Chorus process writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = track(
    spawn(process.execPath, [...nodeArgs, APP_MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        // As the Dockerfile runs it: glibc keeps freed heap instead of handing it back after every large body.
        MALLOC_TRIM_THRESHOLD_: '67108864',
        HTTP_HOST: '127.0.0.1',
        GRPC_HOST: '127.0.0.1',
        HTTP_PORT: String(ports.http),
        GRPC_PORT: String(ports.grpc),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  if (child.pid === undefined) {
    throw new Error('could not start Chorus');
  }
  pin(child.pid, placement);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err = tail(err + chunk.toString())));
  const httpUrl = `http://127.0.0.1:${ports.http}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`Chorus exited with ${child.exitCode}: ${err}`);
    }
    const ok = await fetch(`${httpUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      break;
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`Chorus not ready within 60 s: ${err}`);
    }
    await sleep(100);
  }
  // Threads started during boot (libuv pool, V8 helpers) get the same placement.
  pin(child.pid, placement);
  return {
    pid: child.pid,
    httpUrl,
    grpcAddress: `127.0.0.1:${ports.grpc}`,
    stderr: () => err,
    stop: () => stopChild(child),
  };
}
