import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention deletes login attempts by age alone (`at < cutoff`, in batches); the (user_id, at) index cannot serve
 * that, so every round scanned the whole table. A plain CREATE INDEX, during which logins wait (1.5 s for a
 * million rows on a busy 2-core machine), rather than CONCURRENTLY: that waits for every transaction with an older
 * snapshot, and replicas waiting on the migration lock hold one, so a fleet booting together would wait on itself.
 */
export class LoginAttemptsAtIndex1799000020100 implements MigrationInterface {
  name = 'LoginAttemptsAtIndex1799000020100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX auth_login_attempts_at_idx ON auth_login_attempts (at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX auth_login_attempts_at_idx');
  }
}
