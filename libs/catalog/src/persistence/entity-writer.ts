import type { EntityManager } from 'typeorm';
import type { Album, Artist, ArtistCredit, ExternalIds, Image, Release, Tag, Track } from '@app/providers';
import { splitNamespacedId, type EntityKind } from '../ids/catalog-id';

type Writable = Artist | Album | Release | Track;

const TABLES: Record<EntityKind, string> = {
  artist: 'catalog_artists',
  album: 'catalog_albums',
  release: 'catalog_releases',
  track: 'catalog_tracks',
};

export function tableOf(kind: EntityKind): string {
  return TABLES[kind];
}

function columnsOf(kind: EntityKind, entity: Writable): Record<string, unknown> {
  switch (kind) {
    case 'artist': {
      const artist = entity as Artist;
      return { name: artist.name, sort_name: artist.sortName ?? null };
    }
    case 'album': {
      const album = entity as Album;
      return {
        title: album.title,
        primary_type: album.primaryType ?? null,
        first_release_date: album.firstReleaseDate ?? null,
      };
    }
    case 'release': {
      const release = entity as Release;
      return { title: release.title, release_date: release.date ?? null, barcode: release.barcode ?? null };
    }
    case 'track': {
      const track = entity as Track;
      return { title: track.title, duration_ms: track.durationMs ?? null };
    }
  }
}

function knownIds(entity: Writable): Array<[string, string]> {
  const ids: ExternalIds = entity.externalIds;
  const pairs: Array<[string, string | undefined]> = [
    ['musicbrainz', ids.musicbrainz],
    ['deezer', ids.deezer],
    ['itunes', ids.itunes],
    ['spotify', ids.spotify],
  ];
  return pairs.filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '');
}

/**
 * Writes one entity and everything it is looked up by (external ids, ISRCs, barcode, credits, images, tags)
 * inside the caller's transaction. A partial row (a track seen on a release) never overwrites a complete one.
 */
export class EntityWriter {
  constructor(
    private readonly manager: EntityManager,
    private readonly expiresAt: Date,
  ) {}

  async write(kind: EntityKind, entity: Writable, complete = true): Promise<string> {
    const own = splitNamespacedId(entity.id);
    const columns = columnsOf(kind, entity);
    const names = Object.keys(columns);
    const values = [
      own.provider,
      entity.id,
      JSON.stringify(entity),
      this.expiresAt,
      complete,
      ...Object.values(columns),
    ];
    const placeholders = values.map((_v, i) => `$${i + 1}`).join(', ');
    const updates = ['data', 'fetched_at', 'expires_at', 'complete', ...names].map((c) =>
      c === 'fetched_at' ? 'fetched_at = now()' : `${c} = EXCLUDED.${c}`,
    );
    // xmax = 0 only on a freshly inserted row: then there are no old lookup rows to clear.
    const rows = await this.manager.query<Array<{ id: string; inserted: boolean }>>(
      `INSERT INTO ${tableOf(kind)} (source, public_id, data, expires_at, complete, ${names.join(', ')})
       VALUES (${placeholders})
       ON CONFLICT (public_id) DO UPDATE SET ${updates.join(', ')}
       ${complete ? '' : `WHERE NOT ${tableOf(kind)}.complete`}
       RETURNING id, (xmax = 0) AS inserted`,
      values,
    );
    const id = rows[0]?.id ?? (await this.idOf(kind, entity.id));
    if (rows.length > 0) {
      if (!rows[0].inserted) {
        await this.clearLookups(kind, id);
      }
      await this.writeLookups(kind, id, entity, own.provider, own.nativeId);
    }
    return id;
  }

  private async idOf(kind: EntityKind, publicId: string): Promise<string> {
    // xmax = 0 only on a freshly inserted row: then there are no old lookup rows to clear.
    const rows = await this.manager.query<Array<{ id: string; inserted: boolean }>>(
      `SELECT id FROM ${tableOf(kind)} WHERE public_id = $1`,
      [publicId],
    );
    return rows[0].id;
  }

  /** One round trip for every lookup row of an entity that is being rewritten. */
  private async clearLookups(kind: EntityKind, id: string): Promise<void> {
    await this.manager.query(
      `WITH ids AS (DELETE FROM catalog_external_ids WHERE entity_id = $1 AND kind = $2),
            isrcs AS (DELETE FROM catalog_isrcs WHERE track_id = $1),
            barcodes AS (DELETE FROM catalog_barcodes WHERE entity_id = $1 AND kind = $2),
            credits AS (DELETE FROM catalog_artist_credits WHERE entity_id = $1 AND kind = $2),
            images AS (DELETE FROM catalog_images WHERE entity_id = $1 AND kind = $2),
            tags AS (DELETE FROM catalog_tags WHERE entity_id = $1 AND kind = $2)
       SELECT 1`,
      [id, kind],
    );
  }

  private async writeLookups(kind: EntityKind, id: string, entity: Writable, provider: string, nativeId: string) {
    const q = (sql: string, params: unknown[]) => this.manager.query(sql, params);
    await q(
      `INSERT INTO catalog_external_ids (kind, provider, native_id, entity_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, provider, native_id) DO UPDATE SET entity_id = EXCLUDED.entity_id`,
      [kind, provider, nativeId, id],
    );
    const others = knownIds(entity).filter(([p]) => p !== provider);
    if (others.length > 0) {
      await q(
        `INSERT INTO catalog_external_ids (kind, provider, native_id, entity_id)
         SELECT $1, unnest($2::text[]), unnest($3::text[]), $4 ON CONFLICT DO NOTHING`,
        [kind, others.map(([p]) => p), others.map(([, n]) => n), id],
      );
    }
    await this.writeCodes(kind, id, entity);
    await this.writeCredits(kind, id, 'artistCredit' in entity ? entity.artistCredit : []);
    await this.writeImages(kind, id, entity.images);
    await this.writeTags(kind, id, 'genres' in entity ? entity.genres : [], 'tags' in entity ? entity.tags : []);
  }

  private async writeCodes(kind: EntityKind, id: string, entity: Writable): Promise<void> {
    if (kind === 'track') {
      const isrcs = [...new Set([...(entity as Track).isrcs, ...(entity.externalIds.isrcs ?? [])])];
      if (isrcs.length === 0) {
        return;
      }
      await this.manager.query(
        `INSERT INTO catalog_isrcs (isrc, track_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
        [isrcs.map((i) => i.toUpperCase()), id],
      );
      return;
    }
    const barcode =
      kind === 'release' ? ((entity as Release).barcode ?? entity.externalIds.barcode) : entity.externalIds.barcode;
    if (barcode) {
      await this.manager.query(
        `INSERT INTO catalog_barcodes (barcode, kind, entity_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [barcode, kind, id],
      );
    }
  }

  private async writeCredits(kind: EntityKind, id: string, credits: ArtistCredit[]): Promise<void> {
    if (credits.length === 0) {
      return;
    }
    await this.manager.query(
      `INSERT INTO catalog_artist_credits (kind, entity_id, position, artist_public_id, credited_name, join_phrase)
       SELECT $1, $2, unnest($3::int[]), unnest($4::text[]), unnest($5::text[]), unnest($6::text[])`,
      [
        kind,
        id,
        credits.map((_c, i) => i),
        credits.map((c) => c.artist.id),
        credits.map((c) => c.name),
        credits.map((c) => c.joinPhrase),
      ],
    );
  }

  private async writeImages(kind: EntityKind, id: string, images: Image[]): Promise<void> {
    if (images.length === 0) {
      return;
    }
    const rows = images.map((image, position) => ({
      position,
      url: image.url,
      width: image.width ?? null,
      height: image.height ?? null,
      types: image.types,
      front: image.front ?? false,
      thumbnails: image.thumbnails,
    }));
    await this.manager.query(
      `INSERT INTO catalog_images (kind, entity_id, position, url, width, height, types, front, thumbnails)
       SELECT $1, $2, x.position, x.url, x.width, x.height, x.types, x.front, x.thumbnails
         FROM jsonb_to_recordset($3::jsonb)
           AS x(position int, url text, width int, height int, types text[], front boolean, thumbnails jsonb)`,
      [kind, id, JSON.stringify(rows)],
    );
  }

  private async writeTags(kind: EntityKind, id: string, genres: Tag[], tags: Tag[]): Promise<void> {
    const all = [...genres.map((t) => ({ ...t, genre: true })), ...tags.map((t) => ({ ...t, genre: false }))];
    const unique = [...new Map(all.map((t) => [`${t.genre}:${t.name}`, t])).values()];
    if (unique.length === 0) {
      return;
    }
    await this.manager.query(
      `INSERT INTO catalog_tags (kind, entity_id, name, genre, count)
       SELECT $1, $2, unnest($3::text[]), unnest($4::boolean[]), unnest($5::int[])`,
      [kind, id, unique.map((t) => t.name), unique.map((t) => t.genre), unique.map((t) => t.count ?? null)],
    );
  }
}
