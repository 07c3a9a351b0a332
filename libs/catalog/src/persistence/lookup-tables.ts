import type { Album, Artist, ExternalIds, Release, Tag, Track } from '@app/providers';
import { splitNamespacedId, type EntityKind } from '../domain/catalog-id';

export type Writable = Artist | Album | Release | Track;

/** The table of each kind of entity: one row per entity, keyed by `public_id`, with its own columns. */
export const ENTITY_TABLES: Readonly<Record<EntityKind, string>> = {
  artist: 'catalog_artists',
  album: 'catalog_albums',
  release: 'catalog_releases',
  track: 'catalog_tracks',
};

/**
 * A table of rows an entity is looked up by or shown with. The rows belong to one entity row: written with it,
 * replaced when it is rewritten, deleted with it. Every write, rewrite and purge goes through this list, and
 * test/catalog/lookup-tables.int-spec.ts holds it against the migrated schema, so a new lookup table is added
 * here once.
 */
export interface LookupTable {
  readonly table: string;
  /** The column holding the owning entity row's id. */
  readonly owner: 'entity_id' | 'track_id';
  /** Whether rows carry the owner's kind (`kind` column): the tables every kind shares. */
  readonly hasKind: boolean;
  /** One INSERT … ON CONFLICT, whose parameters are `values` after [kind (if hasKind), owner id]. */
  readonly insert: string;
  /** The columns of this entity's rows, one array per column; undefined when it has none here. */
  values(kind: EntityKind, entity: Writable): unknown[] | undefined;
}

const KNOWN_PROVIDERS = ['musicbrainz', 'deezer', 'itunes', 'spotify'] as const;

const nonEmpty = (columns: unknown[][]): unknown[][] | undefined => (columns[0].length > 0 ? columns : undefined);

function externalIds(entity: Writable): unknown[] {
  const own = splitNamespacedId(entity.id);
  const ids: ExternalIds = entity.externalIds;
  const others = KNOWN_PROVIDERS.filter((p) => p !== own.provider && typeof ids[p] === 'string' && ids[p] !== '');
  return [[own.provider, ...others], [own.nativeId, ...others.map((p) => ids[p] as string)], own.provider];
}

function isrcs(kind: EntityKind, entity: Writable): unknown[] | undefined {
  if (kind !== 'track') {
    return undefined;
  }
  const track = entity as Track;
  const codes = [...new Set([...track.isrcs, ...(track.externalIds.isrcs ?? [])].map((c) => c.toUpperCase()))];
  return nonEmpty([codes]);
}

function barcode(kind: EntityKind, entity: Writable): unknown[] | undefined {
  const code =
    kind === 'release' ? ((entity as Release).barcode ?? entity.externalIds.barcode) : entity.externalIds.barcode;
  return kind === 'track' || !code ? undefined : [code];
}

function credits(entity: Writable): unknown[] | undefined {
  const list = 'artistCredit' in entity ? entity.artistCredit : [];
  return nonEmpty([
    list.map((_c, i) => i),
    list.map((c) => c.artist.id),
    list.map((c) => c.name),
    list.map((c) => c.joinPhrase),
  ]);
}

function images(entity: Writable): unknown[] | undefined {
  const rows = entity.images.map((image, position) => ({
    position,
    url: image.url,
    width: image.width ?? null,
    height: image.height ?? null,
    types: image.types,
    front: image.front ?? false,
    thumbnails: image.thumbnails,
  }));
  return rows.length > 0 ? [JSON.stringify(rows)] : undefined;
}

function tags(entity: Writable): unknown[] | undefined {
  const genres: Tag[] = 'genres' in entity ? entity.genres : [];
  const plain: Tag[] = 'tags' in entity ? entity.tags : [];
  const all = [...genres.map((t) => ({ ...t, genre: true })), ...plain.map((t) => ({ ...t, genre: false }))];
  const unique = [...new Map(all.map((t) => [`${t.genre}:${t.name}`, t])).values()];
  return nonEmpty([unique.map((t) => t.name), unique.map((t) => t.genre), unique.map((t) => t.count ?? null)]);
}

export const LOOKUP_TABLES: readonly LookupTable[] = [
  {
    // An entity's own id always points at it; another provider's id stays with the entity that claimed it first.
    table: 'catalog_external_ids',
    owner: 'entity_id',
    hasKind: true,
    insert: `INSERT INTO catalog_external_ids (kind, entity_id, provider, native_id)
      SELECT $1, $2, x.provider, x.native_id FROM unnest($3::text[], $4::text[]) AS x(provider, native_id)
      ON CONFLICT (kind, provider, native_id) DO UPDATE SET entity_id = EXCLUDED.entity_id
        WHERE EXCLUDED.provider = $5`,
    values: (_kind, entity) => externalIds(entity),
  },
  {
    table: 'catalog_isrcs',
    owner: 'track_id',
    hasKind: false,
    insert: `INSERT INTO catalog_isrcs (track_id, isrc) SELECT $1, x.isrc FROM unnest($2::text[]) AS x(isrc)
      ON CONFLICT DO NOTHING`,
    values: isrcs,
  },
  {
    table: 'catalog_barcodes',
    owner: 'entity_id',
    hasKind: true,
    insert: `INSERT INTO catalog_barcodes (kind, entity_id, barcode) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    values: barcode,
  },
  {
    table: 'catalog_artist_credits',
    owner: 'entity_id',
    hasKind: true,
    insert: `INSERT INTO catalog_artist_credits (kind, entity_id, position, artist_public_id, credited_name, join_phrase)
      SELECT $1, $2, x.position, x.artist, x.name, x.join_phrase
        FROM unnest($3::int[], $4::text[], $5::text[], $6::text[]) AS x(position, artist, name, join_phrase)
      ON CONFLICT (kind, entity_id, position) DO UPDATE SET artist_public_id = EXCLUDED.artist_public_id,
        credited_name = EXCLUDED.credited_name, join_phrase = EXCLUDED.join_phrase`,
    values: (_kind, entity) => credits(entity),
  },
  {
    table: 'catalog_images',
    owner: 'entity_id',
    hasKind: true,
    insert: `INSERT INTO catalog_images (kind, entity_id, position, url, width, height, types, front, thumbnails)
      SELECT $1, $2, x.position, x.url, x.width, x.height, x.types, x.front, x.thumbnails
        FROM jsonb_to_recordset($3::jsonb)
          AS x(position int, url text, width int, height int, types text[], front boolean, thumbnails jsonb)
      ON CONFLICT (kind, entity_id, position) DO UPDATE SET url = EXCLUDED.url, width = EXCLUDED.width,
        height = EXCLUDED.height, types = EXCLUDED.types, front = EXCLUDED.front, thumbnails = EXCLUDED.thumbnails`,
    values: (_kind, entity) => images(entity),
  },
  {
    table: 'catalog_tags',
    owner: 'entity_id',
    hasKind: true,
    insert: `INSERT INTO catalog_tags (kind, entity_id, name, genre, count)
      SELECT $1, $2, x.name, x.genre, x.count FROM unnest($3::text[], $4::boolean[], $5::int[]) AS x(name, genre, count)
      ON CONFLICT (kind, entity_id, genre, name) DO UPDATE SET count = EXCLUDED.count`,
    values: (_kind, entity) => tags(entity),
  },
];

/** The DELETE of one lookup table's rows of some entities of one kind, with its parameters. */
export function deleteLookupRows(table: LookupTable, kind: EntityKind, ids: string[]): [string, unknown[]] {
  return table.hasKind
    ? [`DELETE FROM ${table.table} WHERE ${table.owner} = ANY($1::uuid[]) AND kind = $2`, [ids, kind]]
    : [`DELETE FROM ${table.table} WHERE ${table.owner} = ANY($1::uuid[])`, [ids]];
}

/** The INSERT of one entity's rows in one lookup table, with its parameters; undefined when it has none. */
export function insertLookupRows(
  table: LookupTable,
  kind: EntityKind,
  id: string,
  entity: Writable,
): [string, unknown[]] | undefined {
  const values = table.values(kind, entity);
  if (values === undefined) {
    return undefined;
  }
  return [table.insert, table.hasKind ? [kind, id, ...values] : [id, ...values]];
}
