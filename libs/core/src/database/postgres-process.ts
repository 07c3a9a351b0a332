import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The account PostgreSQL runs as when Chorus runs as root (PostgreSQL refuses to run as root). */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const READY = 'database system is ready to accept connections';

/** Keeps the last lines a child wrote, so a failure can say why in one line. */
class Tail {
  private lines: string[] = [];

  push(chunk: Buffer): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.lines = this.lines.slice(-40);
  }

  /** PostgreSQL's own reason: the first FATAL/ERROR line, else the most telling LOG line, else the last line. */
  reason(): string {
    const pick =
      this.lines.find((line) => /\b(FATAL|ERROR|PANIC):/.test(line) && !/could not create any TCP/.test(line)) ??
      this.lines.find((line) => /could not (bind|create)|Address already in use/.test(line)) ??
      this.lines.at(-1) ??
      '';
    return pick.replace(/^.*?\b(FATAL|ERROR|PANIC|LOG|WARNING):\s*/, '').trim();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

function spawnAs(
  command: string,
  args: string[],
  runAs: RunAs | undefined,
  cwd: string,
  detached = false,
): ChildProcess {
  // cwd: a folder the postgres account can reach; the checkout's own may be private to root.
  return spawn(command, args, {
    ...runAs,
    cwd,
    detached,
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** What a failed child said, as an Error; `spawn` errors (EACCES, ENOENT) arrive here too, never unhandled. */
export class PostgresProcessError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function initdb(bin: PostgresBinaries, dir: string, user: string, password: string, runAs?: RunAs) {
  const secretDir = mkdtempSync(join(tmpdir(), 'chorus-initdb-'));
  const passwordFile = join(secretDir, 'pw');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(secretDir, runAs.uid, runAs.gid);
    chownSync(passwordFile, runAs.uid, runAs.gid);
  }
  const args = [
    `--pgdata=${dir}`,
    '--auth=password',
    `--username=${user}`,
    `--pwfile=${passwordFile}`,
    '--encoding=UTF8',
    '--locale=C',
  ];
  try {
    const child = spawnAs(bin.initdb, args, runAs, dirname(dir));
    const tail = new Tail();
    child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
    await new Promise<void>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(new PostgresProcessError(`cannot run ${bin.initdb}: ${error.message}`, '', error.code)),
      );
      child.once('close', (code) =>
        code === 0
          ? resolve()
          : reject(new PostgresProcessError(`initdb failed (exit ${code}): ${tail.reason()}`, tail.text())),
      );
    });
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** A running postmaster; `stop()` asks for a fast shutdown and waits for it. */
export class PostgresProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(bin: PostgresBinaries, dir: string, port: number, runAs?: RunAs): Promise<PostgresProcess> {
    const child = spawnAs(
      bin.postgres,
      ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
      runAs,
      dir,
      // A process group of its own: a terminal's Ctrl-C goes to the whole foreground group, and PostgreSQL would
      // stop at once under Chorus's open connections while Chorus still drains. Chorus stops it itself, last.
      true,
    );
    const server = new PostgresProcess(child);
    // If Chorus exits without a clean stop (a failed start, a signal before it listens), PostgreSQL is told to go
    // too rather than linger: in a group of its own, no signal meant for Chorus reaches it.
    process.once('exit', server.killOnExit);
    const tail = new Tail();
    // Read stdout and stderr for as long as the server runs: a full pipe would block PostgreSQL.
    child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        tail.push(chunk);
        if (chunk.toString('utf8').includes(READY)) {
          resolve();
        }
      });
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(new PostgresProcessError(`cannot run ${bin.postgres}: ${error.message}`, '', error.code)),
      );
      child.once('close', (code, signal) => {
        const reason = tail.reason() || `exit ${code ?? signal}`;
        reject(new PostgresProcessError(`PostgreSQL stopped while starting: ${reason}`, tail.text()));
      });
    });
    return server;
  }

  private readonly killOnExit = (): void => {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGINT');
    }
  };

  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    await exited;
  }
}
