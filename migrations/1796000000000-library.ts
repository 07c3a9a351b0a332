import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's library: favorites, playlists (dense positions) and listening history. Every table hangs off
 * auth_users with ON DELETE CASCADE, so deleting an account removes its library in the same statement.
 */
export class LibrarySchema1796000000000 implements MigrationInterface {
  name = 'LibrarySchema1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE library_favorites (
        user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
        entity_type text NOT NULL CHECK (entity_type IN ('track', 'album', 'artist')),
        entity_id text NOT NULL,
        title text NOT NULL,
        artist_line text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (user_id, entity_type, entity_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX library_favorites_recent_idx ON library_favorites (user_id, created_at DESC, entity_id)',
    );
    await queryRunner.query(`
      CREATE TABLE library_playlists (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
        is_public boolean NOT NULL DEFAULT false,
        source_url text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(
      'CREATE INDEX library_playlists_owner_idx ON library_playlists (user_id, created_at DESC, id)',
    );
    // Deferrable so a shifting UPDATE (position = position + 1) is checked at the end of the statement.
    await queryRunner.query(`
      CREATE TABLE library_playlist_tracks (
        playlist_id uuid NOT NULL REFERENCES library_playlists (id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        track_id text NOT NULL,
        title text NOT NULL,
        artist_line text NOT NULL DEFAULT '',
        duration_ms integer,
        added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT library_playlist_tracks_position_key UNIQUE (playlist_id, position) DEFERRABLE INITIALLY IMMEDIATE
      )`);
    await queryRunner.query(`
      CREATE TABLE library_plays (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
        track_id text NOT NULL,
        title text NOT NULL,
        artist_line text NOT NULL DEFAULT '',
        artist_ids text[] NOT NULL DEFAULT '{}',
        artist_names text[] NOT NULL DEFAULT '{}',
        played_at timestamptz NOT NULL,
        duration_played_ms integer CHECK (duration_played_ms >= 0),
        CHECK (cardinality(artist_ids) = cardinality(artist_names))
      )`);
    await queryRunner.query('CREATE INDEX library_plays_history_idx ON library_plays (user_id, played_at DESC, id)');
    await queryRunner.query('CREATE INDEX library_plays_dedup_idx ON library_plays (user_id, track_id, played_at)');
    await queryRunner.query('CREATE INDEX library_plays_window_idx ON library_plays (played_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE library_plays');
    await queryRunner.query('DROP TABLE library_playlist_tracks');
    await queryRunner.query('DROP TABLE library_playlists');
    await queryRunner.query('DROP TABLE library_favorites');
  }
}
