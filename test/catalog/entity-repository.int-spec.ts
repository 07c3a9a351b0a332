import { SqlClient } from '@app/core';
import { EntityRepository } from '@app/catalog';
import type { Artist } from '@app/providers';
import { Client } from 'pg';
import { createMigratedDatabase, queryDatabase, type TestDatabase } from '../support/database';

const EXPIRES = new Date('2030-01-01T00:00:00Z');
const MBID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const artist = (urls: string[]): Artist => ({
  id: `musicbrainz:${MBID}`,
  name: 'Linked',
  genres: [],
  tags: [],
  images: [],
  urls: urls.map((url) => ({ type: 'url', url })),
  externalIds: { musicbrainz: MBID },
});

/** An artist's URL relations, kept as its cross-references: written with a new row, cleared on a rewrite. */
describe(EntityRepository.name, () => {
  let db: TestDatabase;
  let sql: SqlClient;
  let entities: EntityRepository;

  const urlRels = async (): Promise<string[]> =>
    (
      await queryDatabase<{ platform: string }>(
        db.url,
        `SELECT platform FROM catalog_cross_refs WHERE entity_public_id = $1 AND matched_by = 'url-rel' ORDER BY 1`,
        [`musicbrainz:${MBID}`],
      )
    ).map((row) => row.platform);

  beforeAll(async () => {
    db = await createMigratedDatabase('entity_repository');
    sql = new SqlClient({ connectionString: db.url, max: 2 });
    entities = new EntityRepository(sql);
  });

  afterAll(async () => {
    await sql?.onApplicationShutdown();
    await db?.drop();
  });

  it('should keep a new artist’s URL relations, and drop one MusicBrainz no longer lists when it is rewritten', async () => {
    await entities.saveArtist(
      artist(['https://www.deezer.com/artist/27', 'https://www.discogs.com/artist/1289']),
      EXPIRES,
    );
    expect(await urlRels()).toEqual(['deezer', 'discogs']);

    await entities.saveArtist(artist(['https://www.deezer.com/artist/27']), EXPIRES);

    expect(await urlRels()).toEqual(['deezer']);
  });

  it('should read an unchanged row as the same value, and build it again once the row or its references change', async () => {
    const id = `musicbrainz:${MBID}`;
    let built = 0;
    const read = async () => {
      const loaded = await entities.findByPublicId<Artist & { kept?: string[] }>(
        'artist',
        id,
        `artist:${id}`,
        (value, kept) => {
          built += 1;
          return { ...value, kept: kept.map((k) => k.reference.id) };
        },
      );
      if (loaded === undefined || typeof loaded === 'symbol') {
        throw new Error('no stored row');
      }
      return loaded.value;
    };
    await entities.saveArtist(artist(['https://www.deezer.com/artist/27']), EXPIRES);

    const first = await read();
    const again = await read();
    expect(again).toBe(first);
    expect(built).toBe(1);

    await queryDatabase(
      db.url,
      `INSERT INTO catalog_cross_refs (kind, entity_public_id, platform, linked_id, matched_by, confidence, expires_at)
       VALUES ('artist', $1, 'spotify', 'spotify:abc', 'name', 0.9, $2)`,
      [id, EXPIRES],
    );
    const relinked = await read();
    expect(relinked).not.toBe(first);
    expect(relinked.kept).toEqual(['deezer:27', 'spotify:abc']);

    await entities.saveArtist({ ...artist(['https://www.deezer.com/artist/27']), name: 'Renamed' }, EXPIRES);
    const rewritten = await read();
    expect(rewritten).not.toBe(relinked);
    expect(rewritten.name).toBe('Renamed');
    expect(built).toBe(3);
  });

  it('should find a cluster’s references through the index, not by reading every reference of the kind', async () => {
    // The statement the repository really sends for a lookup with references, explained as PostgreSQL plans it.
    const sent: Array<{ text: string; params: unknown[] }> = [];
    const recording = new (class extends SqlClient {
      override query<T>(text: string, params: unknown[] = []): Promise<T[]> {
        sent.push({ text, params });
        return super.query<T>(text, params);
      }
    })({ connectionString: db.url, max: 1 });
    try {
      const id = `musicbrainz:${MBID}`;
      await new EntityRepository(recording).findByPublicId<Artist>('artist', id, `artist:${id}`, (value) => value);
    } finally {
      await recording.onApplicationShutdown();
    }
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      // Enough references of the kind, with statistics, for a plan that reads them all to show (an `OR` of the id
      // and a subquery did: 490 ms per lookup at 300k references).
      await client.query(
        `INSERT INTO catalog_cross_refs (kind, entity_public_id, platform, linked_id, matched_by, confidence, expires_at)
         SELECT 'artist', 'musicbrainz:plan-' || n, 'deezer', 'deezer:' || n, 'url-rel', 1, $1
           FROM generate_series(1, 20000) AS n`,
        [EXPIRES],
      );
      await client.query('ANALYZE catalog_cross_refs');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sent[0].text}`, sent[0].params);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('catalog_cross_refs_pkey');
      expect(plan).not.toMatch(/Seq Scan on catalog_cross_refs/);
    } finally {
      await client.end();
    }
  });
});
