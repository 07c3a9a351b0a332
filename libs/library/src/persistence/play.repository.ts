import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';
import type { PlayView } from '../domain/library.views';
import type { Snapshot } from '../domain/track-snapshot';

/** First key of the two-key advisory locks the library takes (the migration lock uses the one-key form). */
const PLAY_LOCK_NAMESPACE = 0x6c69_6201;

interface PlayRow {
  id: string;
  track_id: string;
  title: string;
  artist_line: string;
  played_at: Date;
  duration_played_ms: number | null;
}

export interface NewPlay {
  track: Snapshot;
  playedAt: Date;
  durationPlayedMs?: number;
}

function toView(row: PlayRow): PlayView {
  return {
    id: row.id,
    trackId: row.track_id,
    title: row.title,
    artistLine: row.artist_line,
    playedAt: row.played_at.toISOString(),
    durationPlayedMs: row.duration_played_ms ?? 0,
  };
}

const COLUMNS = 'id, track_id, title, artist_line, played_at, duration_played_ms';

/** Listening history; every query is scoped by the owner's id. */
@Injectable()
export class PlayRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Records a play unless the same user has a play of the same track within `dedupSeconds` of it (either side),
   * in which case that play is answered. The advisory lock serializes one user's plays of one track, so two
   * racing retries cannot both see "no play yet"; it is released at commit.
   */
  async record(userId: string, play: NewPlay, dedupSeconds: number): Promise<{ play: PlayView; counted: boolean }> {
    return this.sql.transaction(async (tx) => {
      const { track } = play;
      await tx.execute('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        PLAY_LOCK_NAMESPACE,
        `${userId}:${track.id}`,
      ]);
      const near = await tx.query<PlayRow>(
        `SELECT ${COLUMNS} FROM library_plays WHERE user_id = $1 AND track_id = $2
           AND played_at > $3::timestamptz - make_interval(secs => $4)
           AND played_at < $3::timestamptz + make_interval(secs => $4)
         ORDER BY abs(extract(epoch FROM played_at - $3::timestamptz)), id LIMIT 1`,
        [userId, track.id, play.playedAt, dedupSeconds],
      );
      if (near.length > 0) {
        return { play: toView(near[0]), counted: false };
      }
      const inserted = await tx.query<PlayRow>(
        `INSERT INTO library_plays
           (user_id, track_id, title, artist_line, artist_ids, artist_names, played_at, duration_played_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [
          userId,
          track.id,
          track.title,
          track.artistLine,
          track.artists.map((a) => a.id),
          track.artists.map((a) => a.name),
          play.playedAt,
          play.durationPlayedMs ?? null,
        ],
      );
      return { play: toView(inserted[0]), counted: true };
    });
  }

  /** Most recent first; ties by id so pages never overlap. */
  async list(userId: string, limit: number, offset: number): Promise<{ plays: PlayView[]; total: number }> {
    const rows = await this.sql.query<PlayRow>(
      `SELECT ${COLUMNS} FROM library_plays WHERE user_id = $1 ORDER BY played_at DESC, id LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    const counted = await this.sql.query<{ n: string }>('SELECT count(*) AS n FROM library_plays WHERE user_id = $1', [
      userId,
    ]);
    return { plays: rows.map(toView), total: Number(counted[0].n) };
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const affected = await this.sql.execute('DELETE FROM library_plays WHERE user_id = $1 AND id = $2', [userId, id]);
    return affected > 0;
  }

  async removeAll(userId: string): Promise<number> {
    const affected = await this.sql.execute('DELETE FROM library_plays WHERE user_id = $1', [userId]);
    return affected;
  }

  /** One page of the export, in list order (most recent first, ties by id), after the last row of the page before. */
  async exportPage(userId: string, after: PlayExportRow | undefined, limit: number): Promise<PlayExportRow[]> {
    const rows =
      after === undefined
        ? await this.sql.query<PlayRow & { cursor_at: string }>(
            `SELECT ${COLUMNS}, played_at::text AS cursor_at FROM library_plays WHERE user_id = $1
             ORDER BY played_at DESC, id LIMIT $2`,
            [userId, limit],
          )
        : await this.sql.query<PlayRow & { cursor_at: string }>(
            `SELECT ${COLUMNS}, played_at::text AS cursor_at FROM library_plays WHERE user_id = $1
               AND (played_at < $2::timestamptz OR (played_at = $2::timestamptz AND id > $3::uuid))
             ORDER BY played_at DESC, id LIMIT $4`,
            [userId, after.cursorAt, after.view.id, limit],
          );
    return rows.map((row) => ({ view: toView(row), cursorAt: row.cursor_at }));
  }
}

export interface PlayExportRow {
  view: PlayView;
  cursorAt: string;
}
