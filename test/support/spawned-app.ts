import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { freePort } from './ports';

/** The compiled entry point; `npm test` builds it first (pretest). */
export const MAIN_JS = resolve(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

export interface SpawnedApp {
  process: ChildProcess;
  httpUrl: string;
  grpcAddress: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once /health/ready answers 200; rejects when the app exits first. No deadline: Jest's is the bound. */
  waitReady(): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited(): Promise<number | null>;
}

export interface SpawnOptions {
  /** Another copy of the built app (a checkout elsewhere); the working directory is set to its root. */
  appRoot?: string;
  /** Options for node itself, before the entry point (e.g. `--expose-gc`). */
  nodeArgs?: string[];
  /** Opens an IPC channel to the child (`process.send` / 'message'), e.g. for test/support/heap-probe.js. */
  ipc?: boolean;
  /** Runs the app as a terminal runs a foreground job: the leader of its own process group (see `interrupt`). */
  processGroup?: boolean;
}

export async function spawnApp(env: Record<string, string>, options: SpawnOptions = {}): Promise<SpawnedApp> {
  const httpPort = env.HTTP_PORT ?? String(await freePort());
  const grpcPort = env.GRPC_PORT ?? String(await freePort());
  const main = options.appRoot ? resolve(options.appRoot, 'dist', 'apps', 'api', 'src', 'main.js') : MAIN_JS;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd: options.appRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      GRPC_HOST: '127.0.0.1',
      HTTP_PORT: httpPort,
      GRPC_PORT: grpcPort,
      ...env,
    },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  return {
    process: child,
    httpUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    async waitReady() {
      for (;;) {
        if (child.exitCode !== null) {
          throw new Error(`app exited with ${child.exitCode}: ${err || out}`);
        }
        const ok = await fetch(`${httpUrl}/health/ready`).then(
          (response) => response.ok,
          () => false,
        );
        if (ok) {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) {
        child.kill(signal);
      }
      return exit;
    },
  };
}

export async function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) {
    return child.exitCode;
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}
