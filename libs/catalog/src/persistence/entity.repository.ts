import { Injectable } from '@nestjs/common';
import type { Album, Artist, ExternalReference, ExternalUrl, Release, Track } from '@app/providers';
import { SqlClient, type SqlSession } from '@app/core';
import type { EntityKind } from '../domain/catalog-id';
import { deleteLookups, EntityWriter } from './entity-writer';
import { ENTITY_TABLES, type Writable } from './lookup-tables';
import type { LinkAnswer } from './answer.repository';
import { clusterColumn, writeCrossRef, type KeptReference } from './cross-ref.repository';
import { CONFIDENCE, urlRelReferences } from '../domain/identity';
import { REMEMBERED_MISSING, toStored, type Loaded, type Stored, type StoredRow } from './stored';
import { RowMemo } from './row-memo';

/** An album as Chorus answers it: the release group plus the tracks of its representative release. */
export type AlbumView = Album & { tracks: Track[] };

/** A track link as a cross-reference: the matched track's id, how it was matched, and on what. */
function trackReference(answer: LinkAnswer): ExternalReference | undefined {
  const { track, matchedBy = 'isrc' } = answer;
  if (!track) {
    return undefined;
  }
  const platform = track.id.slice(0, track.id.indexOf(':'));
  const evidence =
    matchedBy === 'isrc' ? track.isrcs.map((isrc) => `ISRC ${isrc}`).slice(0, 1) : ['title, artist and duration'];
  const url = track.urls.find((u) => u.type === platform)?.url;
  return { platform, id: track.id, url, matchedBy, confidence: CONFIDENCE[matchedBy], evidence };
}

/**
 * An entity's URL relations, kept as its cross-references with it (the reverse path of "any id reaches it").
 * `inserted`: the entity's row is new, so no earlier answer of it left relations to clear (they are written with
 * the row and purged with it), and a first-time lookup skips that DELETE's round trip while its caller waits.
 */
async function writeUrlRefs(
  tx: SqlSession,
  kind: 'artist' | 'album',
  entity: Artist | Album,
  expiresAt: Date,
  inserted: boolean,
) {
  const references = urlRelReferences(kind, entity.id, entity.urls);
  if (!inserted) {
    // A relation MusicBrainz no longer lists links no more.
    await tx.execute(
      `DELETE FROM catalog_cross_refs WHERE kind = $1 AND entity_public_id = $2 AND matched_by = 'url-rel'
         AND platform <> ALL($3::text[])`,
      [kind, entity.id, references.map((r) => r.platform)],
    );
  }
  for (const reference of references) {
    await writeCrossRef(tx, kind, entity.id, reference.platform, { reference }, expiresAt);
  }
}

const SOURCE_ORDER = `CASE source WHEN 'musicbrainz' THEN 0 WHEN 'deezer' THEN 1 WHEN 'itunes' THEN 2 ELSE 3 END`;

/**
 * The row query of a kind, with or without its cluster's cross-references (`refs`); see `findByPublicId`. The JSON
 * comes back as text (the same bytes PostgreSQL sends for jsonb), parsed only when the row's text changed (RowMemo).
 */
function rowQuery(kind: EntityKind, withKept: boolean): string {
  const refs = withKept && kind !== 'release' ? `${clusterColumn(kind, '$1')}::text` : `''`;
  return `SELECT data::text AS data, expires_at, false AS missing, ${refs} AS refs FROM ${ENTITY_TABLES[kind]}
        WHERE public_id = $1 AND complete
       UNION ALL
       SELECT NULL, NULL, true, NULL FROM catalog_misses WHERE key = $2 AND expires_at > now()`;
}

/**
 * Built once, not per lookup: a text made on each call is a new ~900-character string, which SqlClient's
 * statement-name map must hash and pg must compare with the prepared one, on every database-tier read.
 */
const ROW_QUERIES = Object.fromEntries(
  Object.keys(ENTITY_TABLES).map((kind) => [
    kind,
    { plain: rowQuery(kind as EntityKind, false), kept: rowQuery(kind as EntityKind, true) },
  ]),
) as Readonly<Record<EntityKind, { plain: string; kept: string }>>;

/** A row of `findByPublicId`'s query: the JSON as text, and whether it is the remembered "not found" instead. */
interface RowText {
  data: string;
  expires_at: Date;
  missing: boolean;
  refs: string | null;
}

@Injectable()
export class EntityRepository {
  /** Single lookups' values by row text: see RowMemo for the contract and why. */
  private readonly values = new RowMemo();

  constructor(private readonly sql: SqlClient) {}

  /**
   * The complete row, else whether `missKey` is a remembered "not found": one query for both. With `withKept`,
   * the same query also reads the entity's cross-references (artists, albums, tracks) and hands them to it.
   * The value is remembered per kind and row text (RowMemo), not per `withKept`: a kind has one such function.
   */
  async findByPublicId<T>(
    kind: EntityKind,
    publicId: string,
    missKey: string,
    withKept?: (value: T, kept: KeptReference[]) => T,
  ): Promise<Loaded<T>> {
    const texts = ROW_QUERIES[kind];
    const rows = await this.sql.query<RowText>(withKept ? texts.kept : texts.plain, [publicId, missKey]);
    const row = rows.find((r) => !r.missing);
    if (!row) {
      return rows.length > 0 ? REMEMBERED_MISSING : undefined;
    }
    const { data, refs } = row;
    // The memo key says which query built the value: one with the cluster's references, or the row alone.
    const value = this.values.value(withKept ? missKey : `${missKey}|plain`, data, refs ?? '', () => {
      const parsed = JSON.parse(data) as T;
      return withKept ? withKept(parsed, JSON.parse(refs || '[]') as KeptReference[]) : parsed;
    });
    return { value, expiresAt: row.expires_at };
  }

  /**
   * A partial row (a batch's search hit, a track seen on a release): what is known short of a lookup. Single
   * lookups never answer these; batch lookups do, saying so.
   */
  async findPartial<T>(kind: EntityKind, publicId: string): Promise<Stored<T> | undefined> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT data, expires_at FROM ${ENTITY_TABLES[kind]} WHERE public_id = $1 AND NOT complete`,
      [publicId],
    );
    return toStored<T>(rows[0]);
  }

  /** Search hits kept as partial rows, all or nothing; a complete row of the same entity is left as it is. */
  async savePartials(kind: EntityKind, entities: Writable[], expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(expiresAt, async (writer) => {
      for (const entity of entities) {
        await writer.write(kind, entity, false);
      }
    });
  }

  /** The URL relations of the kept artists among `publicIds` (MusicBrainz artists carry their platform links). */
  async findArtistUrls(publicIds: readonly string[]): Promise<Map<string, ExternalUrl[]>> {
    if (publicIds.length === 0) {
      return new Map();
    }
    const rows = await this.sql.query<{ public_id: string; urls: ExternalUrl[] | null }>(
      `SELECT public_id, data->'urls' AS urls FROM catalog_artists WHERE public_id = ANY($1::text[])`,
      [publicIds],
    );
    return new Map(rows.map((row) => [row.public_id, row.urls ?? []]));
  }

  /** Complete tracks known by an ISRC, MusicBrainz first. */
  async findTracksByIsrc(isrc: string, source?: string): Promise<Array<Stored<Track>>> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT t.data, t.expires_at FROM catalog_isrcs i JOIN catalog_tracks t ON t.id = i.track_id
       WHERE i.isrc = $1 AND t.complete AND ($2::text IS NULL OR t.source = $2) ORDER BY ${SOURCE_ORDER}, t.public_id`,
      [isrc, source ?? null],
    );
    return rows.map((row) => toStored<Track>(row) as Stored<Track>);
  }

  async saveArtist(artist: Artist, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(expiresAt, async (writer, tx) => {
      const { inserted } = await writer.upsert('artist', artist);
      await writeUrlRefs(tx, 'artist', artist, expiresAt, inserted);
    });
  }

  async saveTrack(track: Track, expiresAt: Date): Promise<void> {
    // A track's URL relations are not kept as its links: a track link holds the matched track itself (LinksService).
    await this.inWriteTransaction(expiresAt, (writer) => writer.write('track', track));
  }

  async saveTracks(tracks: Track[], expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(expiresAt, async (writer) => {
      for (const track of tracks) {
        await writer.write('track', track);
      }
    });
  }

  async saveRelease(release: Release, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(expiresAt, (writer, tx) => this.writeRelease(writer, tx, release, true));
  }

  /** The album, its release summaries and its representative release's tracks: all or nothing. */
  async saveAlbum(album: AlbumView, representative: Release | undefined, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(expiresAt, async (writer, tx) => {
      const { id: albumId, inserted } = await writer.upsert('album', album);
      await writeUrlRefs(tx, 'album', album, expiresAt, inserted);
      for (const release of album.releases) {
        const complete = representative?.id === release.id;
        const releaseId = await this.writeRelease(writer, tx, complete ? representative : release, complete);
        await tx.execute(`UPDATE catalog_releases SET album_id = $1 WHERE id = $2`, [albumId, releaseId]);
      }
    });
  }

  /** A track's match on another platform (or the lack of one) with the matched track: all or nothing. */
  async saveLink(trackPublicId: string, platform: string, answer: LinkAnswer, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(expiresAt, async (writer, tx) => {
      if (answer.track) {
        await writer.write('track', answer.track);
      }
      await writeCrossRef(tx, 'track', trackPublicId, platform, { reference: trackReference(answer) }, expiresAt);
    });
  }

  /**
   * Deletes an entity (admin purge) and its lookup rows; release tracks cascade. Returns how many rows went.
   * A purge is an operator's decision, so it waits for the WAL flush.
   */
  async deleteByPublicId(kind: EntityKind, publicId: string): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `DELETE FROM ${ENTITY_TABLES[kind]} WHERE public_id = $1 RETURNING id`,
        [publicId],
      );
      const ids = rows.map((r) => r.id);
      await deleteLookups(tx, kind, ids);
      // What the entity said about other platforms goes with it; what others say of it stays theirs.
      await tx.execute(`DELETE FROM catalog_cross_refs WHERE kind = $1 AND entity_public_id = $2`, [kind, publicId]);
      return ids.length;
    });
  }

  /**
   * A transaction writing fetched provider data. It commits asynchronously: these rows are copies that can be
   * fetched again, so a PostgreSQL crash losing the last fraction of a second of them costs one provider call.
   */
  private inWriteTransaction<T>(
    expiresAt: Date,
    work: (writer: EntityWriter, tx: SqlSession) => Promise<T>,
  ): Promise<T> {
    return this.sql.transaction((tx) => work(new EntityWriter(tx, expiresAt), tx), { asyncCommit: true });
  }

  private async writeRelease(writer: EntityWriter, tx: SqlSession, release: Release, complete: boolean) {
    const releaseId = await writer.write('release', release, complete);
    if (!complete) {
      return releaseId;
    }
    await tx.execute(`DELETE FROM catalog_release_tracks WHERE release_id = $1`, [releaseId]);
    for (const medium of release.media) {
      for (const [index, track] of medium.tracks.entries()) {
        const trackId = await writer.write('track', track, false);
        await tx.execute(
          `INSERT INTO catalog_release_tracks (release_id, disc, position, track_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (release_id, disc, position) DO UPDATE SET track_id = EXCLUDED.track_id`,
          [releaseId, medium.position, track.position ?? index + 1, trackId],
        );
      }
    }
    return releaseId;
  }
}
