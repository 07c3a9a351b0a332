import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, sessions (refresh token families), login history and the PostgreSQL fallback of the brute-force counters. */
export class AuthSchema1795435030747 implements MigrationInterface {
  name = 'AuthSchema1795435030747';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX auth_users_email_key ON auth_users (lower(email))');
    await queryRunner.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
        refresh_hash text NOT NULL,
        user_agent text NOT NULL,
        ip text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query('CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id, created_at DESC)');
    await queryRunner.query(`
      CREATE TABLE auth_login_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES auth_users (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        ip text NOT NULL,
        user_agent text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'bad_credentials', 'throttled'))
      )`);
    await queryRunner.query('CREATE INDEX auth_login_attempts_user_idx ON auth_login_attempts (user_id, at DESC)');
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

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_throttle_counters');
    await queryRunner.query('DROP TABLE auth_login_attempts');
    await queryRunner.query('DROP TABLE auth_sessions');
    await queryRunner.query('DROP TABLE auth_users');
  }
}
