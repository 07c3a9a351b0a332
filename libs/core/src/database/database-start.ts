import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { StartupError } from '../lifecycle/startup-error';
import { isDatabaseUnavailable } from './database-unavailable';

/** host:port/database of a URL, without the credentials, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the DATABASE_URL';
  }
}

const SQLSTATE_REMEDIES: Record<string, string> = {
  '28P01': 'the user name or password in DATABASE_URL is wrong',
  '28000': 'PostgreSQL refuses this user from this host (pg_hba.conf); fix DATABASE_URL or the server',
  '3D000': 'create that database, or point DATABASE_URL at one that exists',
};

/**
 * One connection before the pool and migrations: an unreachable server, wrong credentials or a missing database
 * become one line naming DATABASE_URL instead of a driver stack from deep inside TypeORM.
 */
export async function probeDatabase(url: string, timeoutMs: number, embedded: boolean): Promise<void> {
  const where = describeDatabaseUrl(url);
  const setting = embedded ? 'the embedded PostgreSQL' : 'DATABASE_URL';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const reason = `${code ? `${code} ` : ''}${(message ?? String(error)).split('\n')[0]}`.trim();
    if (code && SQLSTATE_REMEDIES[code]) {
      throw new StartupError(`${setting}: ${where}: ${reason}`, SQLSTATE_REMEDIES[code], { cause: error });
    }
    throw new StartupError(
      `${setting}: cannot reach PostgreSQL at ${where} (${reason || 'no answer'})`,
      isDatabaseUnavailable(error) || /timeout/i.test(reason)
        ? 'start PostgreSQL there or fix DATABASE_URL (empty: Chorus runs an embedded PostgreSQL)'
        : 'fix DATABASE_URL (postgres://user:password@host:5432/database; empty: an embedded PostgreSQL)',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs the migrations; a failing one is named, with what the operator can do about it. */
export async function migrateOrExplain(dataSource: DataSource, migrate: () => Promise<unknown>): Promise<void> {
  try {
    await migrate();
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      throw new StartupError(
        `PostgreSQL went away while migrating (${(error as Error).message})`,
        'check the database server and start again',
        { cause: error },
      );
    }
    const failed = await firstPendingMigration(dataSource);
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new StartupError(
      `migration ${failed ?? '(unknown)'} failed: ${reason}`,
      'fix the database so the migration can apply (each migration runs in its own transaction, so nothing of it ' +
        'was kept), or start the previous version; DB_SKIP_MIGRATIONS=true starts without migrating',
      { cause: error },
    );
  }
}

async function firstPendingMigration(dataSource: DataSource): Promise<string | undefined> {
  try {
    const rows = await dataSource.query<Array<{ name: string }>>('SELECT name FROM migrations');
    const done = new Set(rows.map((row) => row.name));
    return dataSource.migrations.map((migration) => migration.name).find((name) => name && !done.has(name));
  } catch {
    return dataSource.migrations[0]?.name;
  }
}
