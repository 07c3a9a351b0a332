import { Injectable } from '@nestjs/common';
import { SqlClient, type SqlSession } from '@app/core';
import type { PlaylistTrackView, PlaylistView } from '../domain/library.views';
import type { Snapshot } from '../domain/track-snapshot';
import type { NewPlaylist } from './playlist.repository';
import {
  PLAYLIST_COLUMNS,
  toPlaylistView,
  toTrackView,
  TRACK_COLUMNS,
  type PlaylistRow,
  type PlaylistTrackRow,
} from './playlist.rows';

/**
 * Edits of one playlist's track list inside a transaction that holds the playlist row's lock (`FOR UPDATE`),
 * so concurrent edits of one playlist run one after the other and positions stay dense (0..n-1). The unique
 * (playlist_id, position) constraint is checked at the end of each statement, which lets one UPDATE shift a
 * range of positions.
 */
export class PlaylistEditor {
  constructor(
    private readonly tx: SqlSession,
    readonly playlistId: string,
    readonly trackCount: number,
  ) {}

  /** Inserts `tracks` at `position` (0..trackCount), moving what was there and after down. */
  async insert(position: number, tracks: Snapshot[]): Promise<PlaylistTrackView[]> {
    await this.tx.execute(
      'UPDATE library_playlist_tracks SET position = position + $3 WHERE playlist_id = $1 AND position >= $2',
      [this.playlistId, position, tracks.length],
    );
    const rows = await this.tx.query<PlaylistTrackRow>(
      `INSERT INTO library_playlist_tracks (playlist_id, position, track_id, title, artist_line, duration_ms)
       SELECT $1, $2 + ord - 1, track_id, title, artist_line, duration_ms
       FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) WITH ORDINALITY
         AS t (track_id, title, artist_line, duration_ms, ord)
       RETURNING ${TRACK_COLUMNS}`,
      [
        this.playlistId,
        position,
        tracks.map((t) => t.id),
        tracks.map((t) => t.title),
        tracks.map((t) => t.artistLine),
        tracks.map((t) => (t.durationMs === undefined ? null : Math.round(t.durationMs))),
      ],
    );
    await this.touch();
    return rows.map(toTrackView).sort((a, b) => a.position - b.position);
  }

  /** Removes the entry at `position` (0..trackCount-1) and closes the gap. */
  async remove(position: number): Promise<void> {
    await this.tx.execute('DELETE FROM library_playlist_tracks WHERE playlist_id = $1 AND position = $2', [
      this.playlistId,
      position,
    ]);
    await this.tx.execute(
      'UPDATE library_playlist_tracks SET position = position - 1 WHERE playlist_id = $1 AND position > $2',
      [this.playlistId, position],
    );
    await this.touch();
  }

  /** Moves the entry at `from` to `to`; the entries between shift by one, in one statement. */
  async move(from: number, to: number): Promise<void> {
    await this.tx.execute(
      `UPDATE library_playlist_tracks
       SET position = CASE WHEN position = $2 THEN $3 WHEN $2 < $3 THEN position - 1 ELSE position + 1 END
       WHERE playlist_id = $1 AND position BETWEEN least($2::int, $3::int) AND greatest($2::int, $3::int)`,
      [this.playlistId, from, to],
    );
    await this.touch();
  }

  private async touch(): Promise<void> {
    await this.tx.execute('UPDATE library_playlists SET updated_at = clock_timestamp() WHERE id = $1', [
      this.playlistId,
    ]);
  }
}

@Injectable()
export class PlaylistEditorRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Runs `edit` with the owner's playlist locked; answers undefined (and runs nothing) when the user owns no
   * playlist with this id. The count is read after the lock, so the edit's range checks see the latest list.
   */
  editOwned<T>(userId: string, playlistId: string, edit: (editor: PlaylistEditor) => Promise<T>) {
    return this.sql.transaction(async (tx): Promise<{ result: T } | undefined> => {
      const locked = await tx.query<{ id: string }>(
        'SELECT id FROM library_playlists WHERE id = $1 AND user_id = $2 FOR UPDATE',
        [playlistId, userId],
      );
      if (locked.length === 0) {
        return undefined;
      }
      const counted = await tx.query<{ n: string }>(
        'SELECT count(*) AS n FROM library_playlist_tracks WHERE playlist_id = $1',
        [playlistId],
      );
      return { result: await edit(new PlaylistEditor(tx, playlistId, Number(counted[0].n))) };
    });
  }

  /** A new playlist and its first tracks, all or nothing (an import never leaves half a playlist behind). */
  createWith(userId: string, playlist: NewPlaylist, fill: (editor: PlaylistEditor) => Promise<unknown>) {
    return this.sql.transaction(async (tx): Promise<PlaylistView> => {
      const created = await tx.query<PlaylistRow>(
        `INSERT INTO library_playlists AS p (user_id, name, description, is_public, source_url)
         VALUES ($1, $2, $3, $4, $5) RETURNING p.id`,
        [userId, playlist.name, playlist.description, playlist.isPublic, playlist.sourceUrl ?? null],
      );
      await fill(new PlaylistEditor(tx, created[0].id, 0));
      const rows = await tx.query<PlaylistRow>(`SELECT ${PLAYLIST_COLUMNS} FROM library_playlists p WHERE p.id = $1`, [
        created[0].id,
      ]);
      return toPlaylistView(rows[0]);
    });
  }
}
