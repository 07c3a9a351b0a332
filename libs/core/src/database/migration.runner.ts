import { Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** Any constant shared by every replica; it names the lock, nothing else. */
const MIGRATION_LOCK_KEY = 7_316_204_118;

/**
 * Runs pending migrations once per deploy: every replica waits on one PostgreSQL advisory lock held on a
 * dedicated connection, so when several boot at once against an empty database the first migrates and the
 * others find nothing left to do.
 */
@Injectable()
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);

  async run(dataSource: DataSource): Promise<string[]> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        const names = applied.map((migration) => migration.name);
        if (names.length > 0) {
          this.logger.log({ msg: 'migrations applied', migrations: names });
        }
        return names;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}
