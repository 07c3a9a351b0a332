import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';
import type { PlaylistTrackPageView, PlaylistTrackView, PlaylistView } from '../domain/library.views';
import {
  PLAYLIST_COLUMNS,
  toPlaylistView,
  toTrackView,
  TRACK_COLUMNS,
  type PlaylistRow,
  type PlaylistTrackRow,
} from './playlist.rows';

export interface NewPlaylist {
  name: string;
  description: string;
  isPublic: boolean;
  sourceUrl?: string;
}

export type PlaylistPatch = Partial<Omit<NewPlaylist, 'sourceUrl'>>;

/** Playlists and their track lists. Reads are scoped to what a viewer may see; writes to the owner. */
@Injectable()
export class PlaylistRepository {
  constructor(private readonly sql: SqlClient) {}

  async create(userId: string, playlist: NewPlaylist): Promise<PlaylistView> {
    const rows = await this.sql.query<PlaylistRow>(
      `INSERT INTO library_playlists AS p (user_id, name, description, is_public, source_url)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${PLAYLIST_COLUMNS}`,
      [userId, playlist.name, playlist.description, playlist.isPublic, playlist.sourceUrl ?? null],
    );
    return toPlaylistView(rows[0]);
  }

  /** The playlist if the viewer (null: anonymous) owns it or it is public. */
  async findReadable(viewerId: string | null, id: string): Promise<PlaylistView | undefined> {
    const rows = await this.sql.query<PlaylistRow>(
      `SELECT ${PLAYLIST_COLUMNS} FROM library_playlists p WHERE p.id = $1 AND (p.is_public OR p.user_id = $2)`,
      [id, viewerId],
    );
    return rows[0] ? toPlaylistView(rows[0]) : undefined;
  }

  async listOwned(
    userId: string,
    limit: number,
    offset: number,
  ): Promise<{ playlists: PlaylistView[]; total: number }> {
    const rows = await this.sql.query<PlaylistRow>(
      `SELECT ${PLAYLIST_COLUMNS} FROM library_playlists p WHERE p.user_id = $1
       ORDER BY p.created_at DESC, p.id LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    const counted = await this.sql.query<{ n: string }>(
      'SELECT count(*) AS n FROM library_playlists WHERE user_id = $1',
      [userId],
    );
    return { playlists: rows.map(toPlaylistView), total: Number(counted[0].n) };
  }

  /** Only the owner's row can match; undefined when there is none. */
  async update(userId: string, id: string, patch: PlaylistPatch): Promise<PlaylistView | undefined> {
    const rows = await this.sql.query<PlaylistRow>(
      `UPDATE library_playlists AS p SET name = coalesce($3, p.name), description = coalesce($4, p.description),
         is_public = coalesce($5, p.is_public), updated_at = clock_timestamp()
       WHERE p.id = $1 AND p.user_id = $2 RETURNING ${PLAYLIST_COLUMNS}`,
      [id, userId, patch.name ?? null, patch.description ?? null, patch.isPublic ?? null],
    );
    return rows[0] ? toPlaylistView(rows[0]) : undefined;
  }

  /** The track list goes with it (ON DELETE CASCADE). */
  async remove(userId: string, id: string): Promise<boolean> {
    const affected = await this.sql.execute('DELETE FROM library_playlists WHERE id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    return affected > 0;
  }

  async listTracks(playlistId: string, limit: number, offset: number): Promise<PlaylistTrackPageView> {
    const rows = await this.sql.query<PlaylistTrackRow>(
      `SELECT ${TRACK_COLUMNS} FROM library_playlist_tracks WHERE playlist_id = $1
       ORDER BY position LIMIT $2 OFFSET $3`,
      [playlistId, limit, offset],
    );
    const counted = await this.sql.query<{ n: string }>(
      'SELECT count(*) AS n FROM library_playlist_tracks WHERE playlist_id = $1',
      [playlistId],
    );
    return { tracks: rows.map(toTrackView), total: Number(counted[0].n) };
  }

  /**
   * One page of the owner's playlists for the export, oldest first (ties by id), after `after`, the last row of
   * the page before. `sortKey` orders rows as the query does, as a plain string (see exportTrackPage).
   */
  async exportPlaylistPage(
    userId: string,
    after: PlaylistExportRow | undefined,
    limit: number,
  ): Promise<PlaylistExportRow[]> {
    // Two statements rather than one with `$2 IS NULL OR …`, so each keeps a plan that walks the index.
    const select = `SELECT ${PLAYLIST_COLUMNS}, ${EXPORT_KEYS} FROM library_playlists p WHERE p.user_id = $1`;
    const rows =
      after === undefined
        ? await this.sql.query<PlaylistRow & ExportKeys>(`${select} ORDER BY p.created_at, p.id LIMIT $2`, [
            userId,
            limit,
          ])
        : await this.sql.query<PlaylistRow & ExportKeys>(
            `${select} AND (p.created_at, p.id) > ($2::timestamptz, $3::uuid) ORDER BY p.created_at, p.id LIMIT $4`,
            [userId, after.cursorAt, after.view.id, limit],
          );
    return rows.map((row) => ({ view: toPlaylistView(row), cursorAt: row.cursor_at, sortKey: row.sort_key }));
  }

  /**
   * One page of the tracks of all the owner's playlists, in the order of exportPlaylistPage and then by position,
   * so an export groups them while reading both, in one pass.
   */
  async exportTrackPage(
    userId: string,
    after: PlaylistTrackExportRow | undefined,
    limit: number,
  ): Promise<PlaylistTrackExportRow[]> {
    const select = `SELECT t.playlist_id, ${TRACK_COLUMNS}, ${EXPORT_KEYS}
       FROM library_playlist_tracks t JOIN library_playlists p ON p.id = t.playlist_id WHERE p.user_id = $1`;
    const order = 'ORDER BY p.created_at, p.id, t.position';
    const rows =
      after === undefined
        ? await this.sql.query<PlaylistTrackRow & ExportKeys & { playlist_id: string }>(`${select} ${order} LIMIT $2`, [
            userId,
            limit,
          ])
        : await this.sql.query<PlaylistTrackRow & ExportKeys & { playlist_id: string }>(
            `${select} AND (p.created_at, p.id, t.position) > ($2::timestamptz, $3::uuid, $4::int) ${order} LIMIT $5`,
            [userId, after.cursorAt, after.playlistId, after.view.position, limit],
          );
    return rows.map((row) => ({
      playlistId: row.playlist_id,
      view: toTrackView(row),
      cursorAt: row.cursor_at,
      sortKey: row.sort_key,
    }));
  }
}

interface ExportKeys {
  cursor_at: string;
  sort_key: string;
}

/**
 * The playlist's creation time as PostgreSQL prints it (the keyset cursor, to the microsecond), and a string that
 * sorts as (created_at, id) do: zero-padded microseconds since the epoch, then the id (lower-case hex, which sorts
 * as PostgreSQL sorts uuids).
 */
const EXPORT_KEYS = `p.created_at::text AS cursor_at,
  lpad(((extract(epoch FROM p.created_at) * 1000000)::bigint)::text, 20, '0') || ' ' || p.id::text AS sort_key`;

export interface PlaylistExportRow {
  view: PlaylistView;
  cursorAt: string;
  sortKey: string;
}

export interface PlaylistTrackExportRow {
  playlistId: string;
  view: PlaylistTrackView;
  cursorAt: string;
  sortKey: string;
}
