import { SqlClient } from '@app/core';
import { EntityWriter } from '@app/catalog';
import type { Artist, Track } from '@app/providers';
import { createMigratedDatabase, queryDatabase, type TestDatabase } from '../support/database';

const EXPIRES = new Date('2030-01-01T00:00:00Z');

const bare: Artist = { id: 'deezer:1', name: 'Bare', genres: [], tags: [], images: [], urls: [], externalIds: {} };
const rich: Artist = {
  id: 'musicbrainz:5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70',
  name: 'Rich',
  genres: [{ name: 'house' }],
  tags: [{ name: 'french', count: 3 }],
  images: [{ url: 'https://img/1.jpg', width: 500, types: [], thumbnails: [] }],
  urls: [],
  externalIds: { musicbrainz: '5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70', deezer: '27', barcode: '0724384960650' },
};
const track = {
  id: 'deezer:3135556',
  title: 'Harder, Better, Faster, Stronger',
  durationMs: 224_000,
  isrcs: ['gbduw0000059'],
  artistCredit: [],
  images: [],
  externalIds: { deezer: '3135556', isrcs: ['GBDUW0000059'], barcode: '0724384960650' },
} as unknown as Track;

interface LookupCounts {
  ids: string[];
  isrcs: string[];
  barcodes: string[];
  images: number;
  tags: string[];
}

/** The first-time and refreshing writes of one entity: per-table upserts in the caller's transaction. */
describe(EntityWriter.name, () => {
  let db: TestDatabase;
  let sql: SqlClient;

  const write = (kind: 'artist' | 'track', entity: Artist | Track, complete = true): Promise<string> =>
    sql.transaction((tx) => new EntityWriter(tx, EXPIRES).write(kind, entity, complete));

  const lookups = async (id: string): Promise<LookupCounts> => {
    const [row] = await queryDatabase<Record<string, unknown>>(
      db.url,
      `SELECT
         ARRAY(SELECT provider || ':' || native_id FROM catalog_external_ids WHERE entity_id = $1 ORDER BY 1) AS ids,
         ARRAY(SELECT isrc FROM catalog_isrcs WHERE track_id = $1 ORDER BY 1) AS isrcs,
         ARRAY(SELECT barcode FROM catalog_barcodes WHERE entity_id = $1 ORDER BY 1) AS barcodes,
         (SELECT count(*)::int FROM catalog_images WHERE entity_id = $1) AS images,
         ARRAY(SELECT name FROM catalog_tags WHERE entity_id = $1 ORDER BY 1) AS tags`,
      [id],
    );
    return row as unknown as LookupCounts;
  };

  beforeAll(async () => {
    db = await createMigratedDatabase('entity_writer');
    sql = new SqlClient({ connectionString: db.url, max: 2 });
  });

  afterAll(async () => {
    await sql?.onApplicationShutdown();
    await db?.drop();
  });

  it('should store a bare entity with only its own id to be found by', async () => {
    const id = await write('artist', bare);

    expect(await lookups(id)).toEqual({ ids: ['deezer:1'], isrcs: [], barcodes: [], images: 0, tags: [] });
  });

  it('should store every id, code, image and tag a rich entity is known by', async () => {
    const id = await write('artist', rich);

    expect(await lookups(id)).toEqual({
      ids: ['deezer:27', 'musicbrainz:5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70'],
      isrcs: [],
      barcodes: ['0724384960650'],
      images: 1,
      tags: ['french', 'house'],
    });
  });

  it('should replace, never add to, the lookup rows when the same entity is written again', async () => {
    const first = await write('artist', rich);
    const again = await write('artist', { ...rich, genres: [], images: [], externalIds: rich.externalIds });

    expect(again).toBe(first);
    expect(await lookups(again)).toMatchObject({ images: 0, tags: ['french'], barcodes: ['0724384960650'] });
  });

  it('should give a track its ISRCs, upper-cased and once each, and no barcode', async () => {
    const id = await write('track', track);

    expect(await lookups(id)).toMatchObject({ isrcs: ['GBDUW0000059'], barcodes: [] });
  });

  it('should never let a partial row (a track seen on a release) overwrite a complete one', async () => {
    const complete = await write('track', track);
    const partial = await write('track', { ...track, title: 'From a tracklist', isrcs: [] }, false);
    const [row] = await queryDatabase<{ title: string; complete: boolean }>(
      db.url,
      'SELECT title, complete FROM catalog_tracks WHERE id = $1',
      [complete],
    );

    expect(partial).toBe(complete);
    expect(row).toEqual({ title: track.title, complete: true });
    expect((await lookups(complete)).isrcs).toEqual(['GBDUW0000059']);
  });

  it('should leave another provider’s id with the entity that claimed it first, and move an own id', async () => {
    const claimer = await write('artist', { ...bare, id: 'deezer:900', externalIds: { itunes: '55' } });
    const owner = await write('artist', { ...bare, id: 'itunes:55', externalIds: { deezer: '900' } });

    expect((await lookups(claimer)).ids).toEqual(['deezer:900']);
    expect((await lookups(owner)).ids).toEqual(['itunes:55']);
  });

  it('should store nothing when the transaction it writes in fails', async () => {
    const failure = await sql
      .transaction(async (tx) => {
        await new EntityWriter(tx, EXPIRES).write('artist', { ...rich, id: 'deezer:4242' });
        throw new Error('a later part of the same answer failed');
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(await queryDatabase(db.url, `SELECT 1 FROM catalog_artists WHERE public_id = 'deezer:4242'`)).toEqual([]);
  });
});
