import { Injectable } from '@nestjs/common';
import { SqlClient, type SqlSession } from '@app/core';
import type { ImportJobView, ImportState, UnresolvedTrackView } from '../domain/library.views';
import type { Snapshot } from '../domain/track-snapshot';
import { PlaylistEditor } from './playlist-editor.repository';
import type { NewPlaylist } from './playlist.repository';

export interface ImportJobRow {
  id: string;
  user_id: string;
  source_url: string;
  provider: string;
  native_id: string;
  state: ImportState;
  playlist_id: string | null;
  total: number | null;
  next_offset: number;
  imported: number;
  unresolved: UnresolvedTrackView[];
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/** What one page of a source playlist adds: its tracks, its unusable entries, how many entries it covered. */
export interface NewImportJob {
  userId: string;
  sourceUrl: string;
  provider: string;
  nativeId: string;
  /** Entries the platform reports for the playlist. */
  total: number;
}

export interface PageEffects {
  tracks: Snapshot[];
  unresolved: UnresolvedTrackView[];
  read: number;
}

/** When and why a job is tried again; `failed` counts the try towards the job's limit (a provider outage). */
export interface ImportRetry {
  afterMs: number;
  code: string;
  message: string;
  failed: boolean;
}

const COLUMNS = `id, user_id, source_url, provider, native_id, state, playlist_id, total, next_offset, imported,
  unresolved, attempts, error_code, error_message, created_at, updated_at, finished_at`;

/** Every write of a running job checks the lease: a replica that lost its job (lease expired) changes nothing. */
const LEASED = 'id = $1 AND lease_owner = $2';

export function toImportJobView(row: ImportJobRow): ImportJobView {
  return {
    id: row.id,
    state: row.state,
    sourceUrl: row.source_url,
    ...(row.playlist_id ? { playlistId: row.playlist_id } : {}),
    ...(row.total === null ? {} : { total: row.total }),
    processed: row.next_offset,
    imported: row.imported,
    unresolved: row.unresolved,
    ...(row.error_code ? { error: { code: row.error_code, message: row.error_message ?? '' } } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
  };
}

/**
 * Playlist import jobs (library_imports). A replica works on a job only while it holds the job's lease
 * (`lease_owner`, `lease_until`); each page's tracks and the job's progress commit together, so a job resumed
 * elsewhere starts at the first page not yet committed and never adds a track twice.
 */
@Injectable()
export class ImportJobRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * The job and its (empty, private) playlist, in one transaction; undefined when the user already has
   * `maxUnfinished` imports queued or running (counted under the user row's lock, so parallel starts cannot race).
   */
  async create(job: NewImportJob, playlist: NewPlaylist, maxUnfinished: number): Promise<ImportJobRow | undefined> {
    return await this.sql.transaction(async (tx) => {
      await tx.query('SELECT id FROM auth_users WHERE id = $1 FOR UPDATE', [job.userId]);
      const unfinished = await tx.query<{ n: string }>(
        "SELECT count(*) AS n FROM library_imports WHERE user_id = $1 AND state IN ('queued', 'running')",
        [job.userId],
      );
      if (Number(unfinished[0].n) >= maxUnfinished) {
        return undefined;
      }
      const created = await tx.query<{ id: string }>(
        `INSERT INTO library_playlists (user_id, name, description, is_public, source_url)
         VALUES ($1, $2, $3, false, $4) RETURNING id`,
        [job.userId, playlist.name, playlist.description, playlist.sourceUrl ?? null],
      );
      const rows = await tx.query<ImportJobRow>(
        `INSERT INTO library_imports (user_id, source_url, provider, native_id, playlist_id, total)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [job.userId, job.sourceUrl, job.provider, job.nativeId, created[0].id, job.total],
      );
      return rows[0];
    });
  }

  async findOwned(userId: string, id: string): Promise<ImportJobRow | undefined> {
    const rows = await this.sql.query<ImportJobRow>(
      `SELECT ${COLUMNS} FROM library_imports WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return rows[0];
  }

  async listOwned(userId: string, limit: number, offset: number): Promise<ImportJobRow[]> {
    return await this.sql.query<ImportJobRow>(
      `SELECT ${COLUMNS} FROM library_imports WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
  }

  /** The oldest unfinished job nobody holds (never leased, released, or its holder gone), now leased to `owner`. */
  async claim(owner: string, leaseMs: number): Promise<ImportJobRow | undefined> {
    const rows = await this.sql.query<ImportJobRow>(
      `UPDATE library_imports SET state = 'running', lease_owner = $1,
         lease_until = clock_timestamp() + $2 * interval '1 millisecond', updated_at = clock_timestamp()
       WHERE id = (
         SELECT id FROM library_imports
         WHERE state IN ('queued', 'running') AND not_before <= clock_timestamp()
           AND (lease_until IS NULL OR lease_until < clock_timestamp())
         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [owner, leaseMs],
    );
    return rows[0];
  }

  /** Extends the lease; false when the job is no longer this owner's (expired and claimed elsewhere). */
  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const touched = await this.sql.execute(
      `UPDATE library_imports SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'
       WHERE ${LEASED} AND state = 'running'`,
      [id, owner, leaseMs],
    );
    return touched > 0;
  }

  /**
   * One page's tracks appended to the playlist and the job's progress moved past the page, all or nothing.
   * 'gone' when the owner deleted the playlist meanwhile; 'lost' when the lease is no longer ours.
   */
  async commitPage(job: ImportJobRow, owner: string, page: PageEffects): Promise<'ok' | 'gone' | 'lost'> {
    return await this.sql.transaction(async (tx) => {
      if (!(await this.lockLeased(tx, job.id, owner))) {
        return 'lost';
      }
      const locked = await tx.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM library_playlist_tracks t WHERE t.playlist_id = p.id) AS n
         FROM library_playlists p WHERE p.id = $1 FOR UPDATE`,
        [job.playlist_id],
      );
      if (locked.length === 0 || !job.playlist_id) {
        return 'gone';
      }
      if (page.tracks.length > 0) {
        const count = Number(locked[0].n);
        await new PlaylistEditor(tx, job.playlist_id, count).insert(count, page.tracks);
      }
      await tx.execute(
        `UPDATE library_imports SET next_offset = next_offset + $3, imported = imported + $4,
           unresolved = unresolved || $5::jsonb, attempts = 0, error_code = NULL, error_message = NULL,
           updated_at = clock_timestamp()
         WHERE ${LEASED}`,
        [job.id, owner, page.read, page.tracks.length, JSON.stringify(page.unresolved)],
      );
      return 'ok';
    });
  }

  async finish(id: string, owner: string, extra: UnresolvedTrackView[]): Promise<void> {
    await this.sql.execute(
      `UPDATE library_imports SET state = 'done', unresolved = unresolved || $3::jsonb, lease_owner = NULL,
         lease_until = NULL, error_code = NULL, error_message = NULL, updated_at = clock_timestamp(),
         finished_at = clock_timestamp()
       WHERE ${LEASED}`,
      [id, owner, JSON.stringify(extra)],
    );
  }

  async fail(id: string, owner: string, code: string, message: string): Promise<void> {
    await this.sql.execute(
      `UPDATE library_imports SET state = 'failed', error_code = $3, error_message = $4, lease_owner = NULL,
         lease_until = NULL, updated_at = clock_timestamp(), finished_at = clock_timestamp()
       WHERE ${LEASED}`,
      [id, owner, code, message],
    );
  }

  /**
   * Hands the job back (shutdown, or a wait before the next try): any replica may claim it from `not_before` on.
   * `attempts` counts consecutive failed tries; a committed page resets it.
   */
  async release(id: string, owner: string, retry?: ImportRetry): Promise<void> {
    await this.sql.execute(
      `UPDATE library_imports SET lease_owner = NULL, lease_until = NULL, updated_at = clock_timestamp(),
         not_before = clock_timestamp() + $3 * interval '1 millisecond',
         attempts = attempts + $4, error_code = coalesce($5, error_code), error_message = coalesce($6, error_message)
       WHERE ${LEASED}`,
      [id, owner, retry?.afterMs ?? 0, retry?.failed ? 1 : 0, retry?.code ?? null, retry?.message ?? null],
    );
  }

  private async lockLeased(tx: SqlSession, id: string, owner: string): Promise<boolean> {
    const rows = await tx.query<{ id: string }>(
      `SELECT id FROM library_imports WHERE ${LEASED} AND state = 'running' FOR UPDATE`,
      [id, owner],
    );
    return rows.length > 0;
  }
}
