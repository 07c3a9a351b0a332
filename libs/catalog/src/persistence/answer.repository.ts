import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';
import type { Track } from '@app/providers';
import { toStored, type Stored, type StoredRow } from './stored';

export interface LinkAnswer {
  /** The matched track on the platform, if any: "no match" is an answer too and is kept. */
  track?: Track;
  matchedBy?: 'isrc' | 'metadata';
}

/** Answers derived from an entity: its lyrics, its cover art, its matches on other platforms. */
@Injectable()
export class AnswerRepository {
  constructor(private readonly sql: SqlClient) {}

  async findLyrics<T>(trackPublicId: string): Promise<Stored<T> | undefined> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT data, expires_at FROM catalog_lyrics WHERE track_public_id = $1 AND found`,
      [trackPublicId],
    );
    return toStored<T>(rows[0]);
  }

  async saveLyrics(trackPublicId: string, lyrics: unknown, expiresAt: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO catalog_lyrics (track_public_id, data, found, expires_at) VALUES ($1, $2, true, $3)
       ON CONFLICT (track_public_id) DO UPDATE SET data = EXCLUDED.data, found = true,
         expires_at = EXCLUDED.expires_at, fetched_at = now()`,
      [trackPublicId, JSON.stringify(lyrics), expiresAt],
    );
  }

  /** Admin purge: the track's kept lyrics go with it. */
  async deleteLyrics(trackPublicId: string): Promise<void> {
    await this.sql.execute(`DELETE FROM catalog_lyrics WHERE track_public_id = $1`, [trackPublicId]);
  }

  async findCoverArt<T>(albumPublicId: string): Promise<Stored<T> | undefined> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT data, expires_at FROM catalog_cover_art WHERE album_public_id = $1`,
      [albumPublicId],
    );
    return toStored<T>(rows[0]);
  }

  async saveCoverArt(albumPublicId: string, releasePublicId: string | undefined, art: unknown, expiresAt: Date) {
    await this.sql.query(
      `INSERT INTO catalog_cover_art (album_public_id, release_public_id, data, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (album_public_id) DO UPDATE SET release_public_id = EXCLUDED.release_public_id,
         data = EXCLUDED.data, expires_at = EXCLUDED.expires_at, fetched_at = now()`,
      [albumPublicId, releasePublicId ?? null, JSON.stringify(art), expiresAt],
    );
  }

  /** Admin purge: the album's kept cover art goes with it. */
  async deleteCoverArt(albumPublicId: string): Promise<void> {
    await this.sql.execute(`DELETE FROM catalog_cover_art WHERE album_public_id = $1`, [albumPublicId]);
  }

  async findLink(trackPublicId: string, platform: string): Promise<Stored<LinkAnswer> | undefined> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT json_build_object('track', t.data, 'matchedBy', l.matched_by) AS data, l.expires_at
         FROM catalog_cross_refs l LEFT JOIN catalog_tracks t ON t.public_id = l.linked_id
        WHERE l.kind = 'track' AND l.entity_public_id = $1 AND l.platform = $2`,
      [trackPublicId, platform],
    );
    const stored = toStored<{ track: Track | null; matchedBy: LinkAnswer['matchedBy'] | null }>(rows[0]);
    if (!stored) {
      return undefined;
    }
    const { track, matchedBy } = stored.value;
    return { ...stored, value: track ? { track, matchedBy: matchedBy ?? undefined } : {} };
  }
}
