import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One table of cross-references for every kind (artist, album, track): per entity and platform, the id it has
 * there (or none: "not on that platform" is an answer too), how that was found, with what confidence and on
 * what evidence. Track links were the first such answers: they move here.
 */
export class CrossReferences1798000018100 implements MigrationInterface {
  name = 'CrossReferences1798000018100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE catalog_cross_refs (
        kind text NOT NULL,
        entity_public_id text NOT NULL,
        platform text NOT NULL,
        linked_id text,
        url text,
        matched_by text,
        confidence real,
        evidence jsonb NOT NULL DEFAULT '[]',
        fetched_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (kind, entity_public_id, platform)
      )`);
    // "Which entities point at this id": how an id from any platform reaches the entity that links it.
    await queryRunner.query(
      `CREATE INDEX catalog_cross_refs_linked_idx ON catalog_cross_refs (kind, linked_id) WHERE linked_id IS NOT NULL`,
    );
    await queryRunner.query(`
      INSERT INTO catalog_cross_refs (kind, entity_public_id, platform, linked_id, matched_by, confidence, evidence,
                                      fetched_at, expires_at)
      SELECT 'track', track_public_id, platform, linked_public_id, matched_by,
             CASE WHEN linked_public_id IS NULL THEN NULL WHEN matched_by = 'isrc' THEN 1 ELSE 0.8 END,
             '[]', fetched_at, expires_at
        FROM catalog_track_links`);
    await queryRunner.query('DROP TABLE catalog_track_links');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE catalog_track_links (
        track_public_id text NOT NULL, platform text NOT NULL, linked_public_id text, matched_by text,
        fetched_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL,
        PRIMARY KEY (track_public_id, platform))`);
    await queryRunner.query(`
      INSERT INTO catalog_track_links (track_public_id, platform, linked_public_id, matched_by, fetched_at, expires_at)
      SELECT entity_public_id, platform, linked_id, matched_by, fetched_at, expires_at
        FROM catalog_cross_refs WHERE kind = 'track' AND platform IN ('musicbrainz', 'deezer', 'itunes', 'spotify')`);
    await queryRunner.query('DROP TABLE catalog_cross_refs');
  }
}
