import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Playlist imports run as background jobs whose state lives here, so a restart (or another replica) resumes an
 * import where its last committed page left it. `next_offset` and the playlist's tracks are written in one
 * transaction per page; `lease_until` says how long the replica working on a job may still be trusted to be alive.
 */
export class LibraryImports1798000018400 implements MigrationInterface {
  name = 'LibraryImports1798000018400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE library_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
        source_url text NOT NULL,
        provider text NOT NULL,
        native_id text NOT NULL,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
        playlist_id uuid REFERENCES library_playlists (id) ON DELETE SET NULL,
        total integer,
        next_offset integer NOT NULL DEFAULT 0,
        imported integer NOT NULL DEFAULT 0,
        unresolved jsonb NOT NULL DEFAULT '[]',
        attempts integer NOT NULL DEFAULT 0,
        error_code text,
        error_message text,
        lease_owner text,
        lease_until timestamptz,
        not_before timestamptz NOT NULL DEFAULT clock_timestamp(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX library_imports_owner_idx ON library_imports (user_id, created_at DESC)');
    // The runner's claim query: unfinished jobs, oldest first.
    await queryRunner.query(
      "CREATE INDEX library_imports_pending_idx ON library_imports (created_at) WHERE state IN ('queued', 'running')",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE library_imports');
  }
}
