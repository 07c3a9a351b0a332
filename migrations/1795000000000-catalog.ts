import type { MigrationInterface, QueryRunner } from 'typeorm';

const ENTITY_COLUMNS = `
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source text NOT NULL,
  public_id text NOT NULL UNIQUE,
  data jsonb NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- false for rows known only from another answer (a track listed on a release): linked, never answered.
  complete boolean NOT NULL DEFAULT true`;

/** The catalog: everything fetched from providers, with its freshness, and every path it is looked up by. */
export class CatalogSchema1795000000000 implements MigrationInterface {
  name = 'CatalogSchema1795000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE catalog_artists (${ENTITY_COLUMNS}, name text NOT NULL, sort_name text)`,
      `CREATE TABLE catalog_albums (${ENTITY_COLUMNS}, title text NOT NULL, primary_type text, first_release_date text)`,
      `CREATE TABLE catalog_releases (${ENTITY_COLUMNS}, title text NOT NULL, release_date text, barcode text,
        album_id uuid REFERENCES catalog_albums(id) ON DELETE SET NULL)`,
      `CREATE TABLE catalog_tracks (${ENTITY_COLUMNS}, title text NOT NULL, duration_ms integer)`,
      `CREATE INDEX catalog_releases_album_idx ON catalog_releases (album_id)`,
      `CREATE TABLE catalog_external_ids (
        kind text NOT NULL, provider text NOT NULL, native_id text NOT NULL, entity_id uuid NOT NULL,
        PRIMARY KEY (kind, provider, native_id))`,
      `CREATE INDEX catalog_external_ids_entity_idx ON catalog_external_ids (entity_id)`,
      `CREATE TABLE catalog_isrcs (
        isrc text NOT NULL, track_id uuid NOT NULL REFERENCES catalog_tracks(id) ON DELETE CASCADE,
        PRIMARY KEY (isrc, track_id))`,
      `CREATE INDEX catalog_isrcs_track_idx ON catalog_isrcs (track_id)`,
      `CREATE TABLE catalog_barcodes (
        barcode text NOT NULL, kind text NOT NULL, entity_id uuid NOT NULL, PRIMARY KEY (barcode, kind, entity_id))`,
      `CREATE INDEX catalog_barcodes_entity_idx ON catalog_barcodes (entity_id)`,
      `CREATE TABLE catalog_artist_credits (
        kind text NOT NULL, entity_id uuid NOT NULL, position integer NOT NULL,
        artist_public_id text NOT NULL, credited_name text NOT NULL, join_phrase text NOT NULL DEFAULT '',
        PRIMARY KEY (kind, entity_id, position))`,
      `CREATE INDEX catalog_artist_credits_artist_idx ON catalog_artist_credits (artist_public_id, kind)`,
      `CREATE TABLE catalog_release_tracks (
        release_id uuid NOT NULL REFERENCES catalog_releases(id) ON DELETE CASCADE,
        disc integer NOT NULL, position integer NOT NULL,
        track_id uuid NOT NULL REFERENCES catalog_tracks(id) ON DELETE CASCADE,
        PRIMARY KEY (release_id, disc, position))`,
      `CREATE INDEX catalog_release_tracks_track_idx ON catalog_release_tracks (track_id)`,
      `CREATE TABLE catalog_images (
        kind text NOT NULL, entity_id uuid NOT NULL, position integer NOT NULL, url text NOT NULL,
        width integer, height integer, types text[] NOT NULL DEFAULT '{}', front boolean NOT NULL DEFAULT false,
        thumbnails jsonb NOT NULL DEFAULT '[]', PRIMARY KEY (kind, entity_id, position))`,
      `CREATE TABLE catalog_tags (
        kind text NOT NULL, entity_id uuid NOT NULL, name text NOT NULL, genre boolean NOT NULL,
        count integer, PRIMARY KEY (kind, entity_id, genre, name))`,
      `CREATE INDEX catalog_tags_name_idx ON catalog_tags (name)`,
      `CREATE TABLE catalog_lyrics (
        track_public_id text PRIMARY KEY, data jsonb, found boolean NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)`,
      `CREATE TABLE catalog_cover_art (
        album_public_id text PRIMARY KEY, release_public_id text, data jsonb NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)`,
      `CREATE TABLE catalog_track_links (
        track_public_id text NOT NULL, platform text NOT NULL, linked_public_id text, matched_by text,
        fetched_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL,
        PRIMARY KEY (track_public_id, platform))`,
      `CREATE TABLE catalog_searches (
        key text PRIMARY KEY, type text NOT NULL, query text NOT NULL, provider text NOT NULL,
        result_ids text[] NOT NULL, data jsonb NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)`,
      `CREATE INDEX catalog_searches_query_idx ON catalog_searches (type, query)`,
      `CREATE TABLE catalog_misses (
        key text PRIMARY KEY, fetched_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)`,
    ];
    for (const statement of statements) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'catalog_misses',
      'catalog_searches',
      'catalog_track_links',
      'catalog_cover_art',
      'catalog_lyrics',
      'catalog_tags',
      'catalog_images',
      'catalog_release_tracks',
      'catalog_artist_credits',
      'catalog_barcodes',
      'catalog_isrcs',
      'catalog_external_ids',
      'catalog_tracks',
      'catalog_releases',
      'catalog_albums',
      'catalog_artists',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
