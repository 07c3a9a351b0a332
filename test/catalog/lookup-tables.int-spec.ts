import { SqlClient } from '@app/core';
import { deleteLookups, ENTITY_TABLES, EntityWriter, LOOKUP_TABLES } from '@app/catalog';
import type { Artist, Track } from '@app/providers';
import { createMigratedDatabase, queryDatabase, type TestDatabase } from '../support/database';

type ColumnRow = {
  table_name: string;
  column_name: string;
};

type ReferenceRow = {
  table_name: string;
  referenced: string;
  on_delete: string;
};

const ARTIST: Artist = {
  id: 'musicbrainz:0383dadf-2a4e-4d10-a46a-e9e041da8eb3',
  name: 'Queen',
  genres: [{ name: 'rock' }],
  tags: [{ name: 'british', count: 4 }],
  images: [{ url: 'https://img/queen.jpg', width: 500, types: ['picture'], thumbnails: [] }],
  urls: [],
  externalIds: { musicbrainz: '0383dadf-2a4e-4d10-a46a-e9e041da8eb3', deezer: '412', barcode: '0077774600125' },
};

const TRACK = {
  id: 'deezer:3135556',
  title: 'Harder, Better, Faster, Stronger',
  isrcs: ['gbduw0000059'],
  artistCredit: [{ artist: { id: 'deezer:27', name: 'Daft Punk' }, name: 'Daft Punk', joinPhrase: '' }],
  images: [],
  genres: [],
  tags: [{ name: 'electro' }],
  externalIds: { deezer: '3135556', musicbrainz: '7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b' },
} as unknown as Track;

/** LOOKUP_TABLES, the one list every write, rewrite and purge of an entity's lookup rows reads, held to the schema. */
describe('LOOKUP_TABLES', () => {
  let db: TestDatabase;
  let sql: SqlClient;

  const rowsOf = async (id: string): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const { table, owner } of LOOKUP_TABLES) {
      const rows = await queryDatabase<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM ${table} WHERE ${owner} = $1`,
        [id],
      );
      counts[table] = Number(rows[0].n);
    }
    return counts;
  };

  beforeAll(async () => {
    db = await createMigratedDatabase('lookup_tables');
    sql = new SqlClient({ connectionString: db.url, max: 2 });
  });

  afterAll(async () => {
    await sql?.onApplicationShutdown();
    await db?.drop();
  });

  it('should name every table of the schema whose rows belong to an entity by entity_id', async () => {
    const columns = await queryDatabase<ColumnRow>(
      db.url,
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name LIKE 'catalog\\_%'`,
    );
    const withEntityId = columns.filter((c) => c.column_name === 'entity_id').map((c) => c.table_name);
    const has = (table: string, column: string): boolean =>
      columns.some((c) => c.table_name === table && c.column_name === column);

    expect(LOOKUP_TABLES.filter((t) => t.owner === 'entity_id').map((t) => t.table)).toEqual(
      expect.arrayContaining(withEntityId),
    );
    for (const table of LOOKUP_TABLES) {
      expect({ table: table.table, owner: has(table.table, table.owner), kind: has(table.table, 'kind') }).toEqual({
        table: table.table,
        owner: true,
        kind: table.hasKind,
      });
    }
  });

  it('should leave out only tables whose rows go with their entity row by themselves (ON DELETE)', async () => {
    const references = await queryDatabase<ReferenceRow>(
      db.url,
      `SELECT c.conrelid::regclass::text AS table_name, c.confrelid::regclass::text AS referenced,
              CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'keep' END AS on_delete
         FROM pg_constraint c WHERE c.contype = 'f'`,
    );
    const entityTables = new Set(Object.values(ENTITY_TABLES));
    const listed = new Set(LOOKUP_TABLES.map((t) => t.table));
    const unlisted = references.filter((r) => entityTables.has(r.referenced) && !listed.has(r.table_name));

    expect(unlisted.filter((r) => r.on_delete === 'keep')).toEqual([]);
  });

  it('should write rows in every lookup table for entities that have them, and a purge should clear them all', async () => {
    const [artistId, trackId] = await sql.transaction(async (tx) => {
      const writer = new EntityWriter(tx, new Date(Date.now() + 60_000));
      return [await writer.write('artist', ARTIST), await writer.write('track', TRACK)];
    });
    const written = { artist: await rowsOf(artistId), track: await rowsOf(trackId) };

    const empty = LOOKUP_TABLES.filter(({ table }) => written.artist[table] + written.track[table] === 0);
    expect(empty.map((t) => t.table)).toEqual([]);

    await sql.transaction(async (tx) => {
      await deleteLookups(tx, 'artist', [artistId]);
      await deleteLookups(tx, 'track', [trackId]);
    });
    const cleared = [...Object.values(await rowsOf(artistId)), ...Object.values(await rowsOf(trackId))];
    expect(cleared.every((n) => n === 0)).toBe(true);
  });
});
