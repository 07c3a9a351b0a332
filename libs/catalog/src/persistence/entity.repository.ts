import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Album, Artist, ExternalUrl, Release, Track } from '@app/providers';
import { SqlClient } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import type { EntityKind } from '../domain/catalog-id';
import { ASYNC_COMMIT, EntityWriter, inTransaction, tableOf } from './entity-writer';
import type { LinkAnswer } from './answer.repository';
import { REMEMBERED_MISSING, toStored, type Loaded, type Stored, type StoredRow } from './stored';

/** An album as Chorus answers it: the release group plus the tracks of its representative release. */
export type AlbumView = Album & { tracks: Track[] };

const SOURCE_ORDER = `CASE source WHEN 'musicbrainz' THEN 0 WHEN 'deezer' THEN 1 WHEN 'itunes' THEN 2 ELSE 3 END`;

@Injectable()
export class EntityRepository {
  private readonly asyncCommit: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SqlClient,
    @Inject(catalogSettings.KEY) settings: CatalogSettings,
  ) {
    this.asyncCommit = !settings.CATALOG_SYNCHRONOUS_COMMIT;
  }

  /** The complete row, else whether `missKey` is a remembered "not found": one query for both. */
  async findByPublicId<T>(kind: EntityKind, publicId: string, missKey: string): Promise<Loaded<T>> {
    const rows = await this.sql.query<StoredRow & { missing: boolean }>(
      `SELECT data, expires_at, false AS missing FROM ${tableOf(kind)} WHERE public_id = $1 AND complete
       UNION ALL
       SELECT NULL, NULL, true FROM catalog_misses WHERE key = $2 AND expires_at > now()`,
      [publicId, missKey],
      { prepare: true },
    );
    const row = rows.find((r) => !r.missing);
    if (row) {
      return toStored<T>(row);
    }
    return rows.length > 0 ? REMEMBERED_MISSING : undefined;
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
      { prepare: true },
    );
    return rows.map((row) => toStored<Track>(row) as Stored<Track>);
  }

  async saveArtist(artist: Artist, expiresAt: Date): Promise<void> {
    await this.saveOne('artist', artist, expiresAt);
  }

  async saveTrack(track: Track, expiresAt: Date): Promise<void> {
    await this.saveOne('track', track, expiresAt);
  }

  /**
   * A first-time entity is one self-contained statement, so it needs no BEGIN/COMMIT round trips (the cold
   * path); only rewriting a stored one takes a transaction.
   */
  private async saveOne(kind: EntityKind, entity: Artist | Track, expiresAt: Date): Promise<void> {
    if ((await new EntityWriter(this.sql, expiresAt, this.asyncCommit).insertNew(kind, entity)) === undefined) {
      await this.inWriteTransaction((manager) =>
        new EntityWriter(inTransaction(manager), expiresAt).rewrite(kind, entity),
      );
    }
  }

  async saveTracks(tracks: Track[], expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(async (manager) => {
      for (const track of tracks) {
        await new EntityWriter(inTransaction(manager), expiresAt).write('track', track);
      }
    });
  }

  async saveRelease(release: Release, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction((manager) => this.writeRelease(manager, release, expiresAt, true));
  }

  /** The album, its release summaries and its representative release's tracks: all or nothing. */
  async saveAlbum(album: AlbumView, representative: Release | undefined, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(async (manager) => {
      const writer = new EntityWriter(inTransaction(manager), expiresAt);
      const albumId = await writer.write('album', album);
      for (const release of album.releases) {
        const complete = representative?.id === release.id;
        const releaseId = await this.writeRelease(manager, complete ? representative : release, expiresAt, complete);
        await manager.query(`UPDATE catalog_releases SET album_id = $1 WHERE id = $2`, [albumId, releaseId]);
      }
    });
  }

  /** A track's match on another platform (or the lack of one) with the matched track: all or nothing. */
  async saveLink(trackPublicId: string, platform: string, answer: LinkAnswer, expiresAt: Date): Promise<void> {
    await this.inWriteTransaction(async (manager) => {
      if (answer.track) {
        await new EntityWriter(inTransaction(manager), expiresAt).write('track', answer.track);
      }
      await manager.query(
        `INSERT INTO catalog_track_links (track_public_id, platform, linked_public_id, matched_by, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (track_public_id, platform) DO UPDATE SET linked_public_id = EXCLUDED.linked_public_id,
           matched_by = EXCLUDED.matched_by, expires_at = EXCLUDED.expires_at, fetched_at = now()`,
        [trackPublicId, platform, answer.track?.id ?? null, answer.matchedBy ?? null, expiresAt],
      );
    });
  }

  /** Deletes an entity (admin purge); links cascade. Returns how many rows went. */
  async deleteByPublicId(kind: EntityKind, publicId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // As a SELECT: TypeORM answers a bare DELETE … RETURNING with [rows, count] instead of rows.
      const rows = await manager.query<Array<{ id: string }>>(
        `WITH gone AS (DELETE FROM ${tableOf(kind)} WHERE public_id = $1 RETURNING id) SELECT id FROM gone`,
        [publicId],
      );
      const ids = rows.map((r) => r.id);
      for (const table of ['catalog_external_ids', 'catalog_barcodes']) {
        await manager.query(`DELETE FROM ${table} WHERE entity_id = ANY($1::uuid[])`, [ids]);
      }
      for (const table of ['catalog_artist_credits', 'catalog_images', 'catalog_tags']) {
        await manager.query(`DELETE FROM ${table} WHERE kind = $1 AND entity_id = ANY($2::uuid[])`, [kind, ids]);
      }
      return ids.length;
    });
  }

  /**
   * A transaction writing fetched provider data; it commits asynchronously unless CATALOG_SYNCHRONOUS_COMMIT.
   * (A purge is an operator's decision, so it keeps waiting for the flush.)
   */
  private inWriteTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      if (this.asyncCommit) {
        await manager.query(ASYNC_COMMIT);
      }
      return work(manager);
    });
  }

  private async writeRelease(manager: EntityManager, release: Release, expiresAt: Date, complete: boolean) {
    const writer = new EntityWriter(inTransaction(manager), expiresAt);
    const releaseId = await writer.write('release', release, complete);
    if (!complete) {
      return releaseId;
    }
    await manager.query(`DELETE FROM catalog_release_tracks WHERE release_id = $1`, [releaseId]);
    for (const medium of release.media) {
      for (const [index, track] of medium.tracks.entries()) {
        const trackId = await writer.write('track', track, false);
        await manager.query(
          `INSERT INTO catalog_release_tracks (release_id, disc, position, track_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (release_id, disc, position) DO UPDATE SET track_id = EXCLUDED.track_id`,
          [releaseId, medium.position, track.position ?? index + 1, trackId],
        );
      }
    }
    return releaseId;
  }
}
