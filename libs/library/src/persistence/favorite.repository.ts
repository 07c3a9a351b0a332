import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';
import type { FavoritePageView, FavoriteType, FavoriteView } from '../domain/library.views';

interface FavoriteRow {
  entity_type: FavoriteType;
  entity_id: string;
  title: string;
  artist_line: string;
  created_at: Date;
}

export interface NewFavorite {
  type: FavoriteType;
  id: string;
  title: string;
  artistLine: string;
}

function toView(row: FavoriteRow): FavoriteView {
  return {
    type: row.entity_type,
    id: row.entity_id,
    title: row.title,
    artistLine: row.artist_line,
    createdAt: row.created_at.toISOString(),
  };
}

const COLUMNS = 'entity_type, entity_id, title, artist_line, created_at';

/** Every query is scoped by the owner's id: there is no way to name another user's favorite. */
@Injectable()
export class FavoriteRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Idempotent: a second add keeps the first row (and its date), and answers it. */
  async add(userId: string, favorite: NewFavorite): Promise<FavoriteView> {
    const rows = await this.sql.query<FavoriteRow>(
      `WITH inserted AS (
         INSERT INTO library_favorites (user_id, entity_type, entity_id, title, artist_line)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ${COLUMNS})
       SELECT ${COLUMNS} FROM inserted UNION ALL
       SELECT ${COLUMNS} FROM library_favorites WHERE user_id = $1 AND entity_type = $2 AND entity_id = $3`,
      [userId, favorite.type, favorite.id, favorite.title, favorite.artistLine],
    );
    return toView(rows[0]);
  }

  async remove(userId: string, type: FavoriteType, id: string): Promise<boolean> {
    const affected = await this.sql.execute(
      'DELETE FROM library_favorites WHERE user_id = $1 AND entity_type = $2 AND entity_id = $3',
      [userId, type, id],
    );
    return affected > 0;
  }

  /** Newest first; ties (same instant) by id so pages never overlap. */
  async list(userId: string, type: FavoriteType | null, limit: number, offset: number): Promise<FavoritePageView> {
    const rows = await this.sql.query<FavoriteRow & { total: string }>(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM library_favorites
       WHERE user_id = $1 AND ($2::text IS NULL OR entity_type = $2)
       ORDER BY created_at DESC, entity_id LIMIT $3 OFFSET $4`,
      [userId, type, limit, offset],
    );
    // Past the last page the window count has no row to ride on.
    const total = rows.length > 0 ? Number(rows[0].total) : await this.count(userId, type);
    return { favorites: rows.map(toView), total };
  }

  private async count(userId: string, type: FavoriteType | null): Promise<number> {
    const rows = await this.sql.query<{ n: string }>(
      'SELECT count(*) AS n FROM library_favorites WHERE user_id = $1 AND ($2::text IS NULL OR entity_type = $2)',
      [userId, type],
    );
    return Number(rows[0].n);
  }

  /**
   * One page of the export, in list order (newest first; ties by id, then type): the rows after `after`, the last
   * row of the page before. The cursor's time is PostgreSQL's text, to the microsecond.
   */
  async exportPage(userId: string, after: FavoriteExportRow | undefined, limit: number): Promise<FavoriteExportRow[]> {
    const rows =
      after === undefined
        ? await this.sql.query<FavoriteRow & { cursor_at: string }>(
            `SELECT ${COLUMNS}, created_at::text AS cursor_at FROM library_favorites WHERE user_id = $1
             ORDER BY created_at DESC, entity_id, entity_type LIMIT $2`,
            [userId, limit],
          )
        : await this.sql.query<FavoriteRow & { cursor_at: string }>(
            `SELECT ${COLUMNS}, created_at::text AS cursor_at FROM library_favorites WHERE user_id = $1
               AND (created_at < $2::timestamptz OR (created_at = $2::timestamptz AND (entity_id, entity_type) > ($3, $4)))
             ORDER BY created_at DESC, entity_id, entity_type LIMIT $5`,
            [userId, after.cursorAt, after.view.id, after.view.type, limit],
          );
    return rows.map((row) => ({ view: toView(row), cursorAt: row.cursor_at }));
  }
}

export interface FavoriteExportRow {
  view: FavoriteView;
  cursorAt: string;
}
