import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login and registration limits moved to rate-limiter-flexible: its PostgreSQL store (the fallback while Redis is
 * absent or down) takes the place of the hand-written fixed-window counters. The columns are the library's own
 * layout, in its order (it inserts without naming them); `expire` is epoch milliseconds.
 */
export class AuthRateLimits1797000019000 implements MigrationInterface {
  name = 'AuthRateLimits1797000019000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_throttle_counters');
    await queryRunner.query(`
      CREATE TABLE auth_rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    // The library deletes rows expired an hour ago every five minutes.
    await queryRunner.query('CREATE INDEX auth_rate_limits_expire_idx ON auth_rate_limits (expire)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_rate_limits');
    await queryRunner.query(`
      CREATE TABLE auth_throttle_counters (
        key text PRIMARY KEY,
        count integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX auth_throttle_counters_window_idx ON auth_throttle_counters (window_ends_at)',
    );
  }
}
