import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a lookup answers only when asked (`include=`): aliases, artist relations, recording credits, release
 * genres and tags. One row per entity and part, so a question naming any mix of parts is answered from here
 * without asking MusicBrainz again. Kept apart from the entity rows: an answer without `include` is unchanged.
 */
export class CatalogExtras1798000018300 implements MigrationInterface {
  name = 'CatalogExtras1798000018300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE catalog_extras (
        kind text NOT NULL,
        public_id text NOT NULL,
        part text NOT NULL,
        data jsonb NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (kind, public_id, part)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE catalog_extras');
  }
}
