import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';

export interface ChartRow {
  id: string;
  name: string;
  artist_line: string;
  plays: string;
}

/**
 * Aggregates over every user's plays. Ties go by id in byte order (COLLATE "C"), so the order does not depend
 * on the database's locale. `since` null means all time.
 */
@Injectable()
export class ChartRepository {
  constructor(private readonly sql: SqlClient) {}

  topTracks(since: Date | null, limit: number): Promise<ChartRow[]> {
    return this.sql.query<ChartRow>(
      `SELECT track_id AS id, (array_agg(title ORDER BY played_at DESC, id))[1] AS name,
              (array_agg(artist_line ORDER BY played_at DESC, id))[1] AS artist_line, count(*) AS plays
       FROM library_plays WHERE $1::timestamptz IS NULL OR played_at >= $1
       GROUP BY track_id ORDER BY count(*) DESC, track_id COLLATE "C" LIMIT $2`,
      [since, limit],
    );
  }

  /** A play counts once for each artist credited on its track. */
  topArtists(since: Date | null, limit: number): Promise<ChartRow[]> {
    return this.sql.query<ChartRow>(
      `SELECT a.id, (array_agg(a.name ORDER BY p.played_at DESC, p.id))[1] AS name, '' AS artist_line,
              count(*) AS plays
       FROM library_plays p CROSS JOIN LATERAL unnest(p.artist_ids, p.artist_names) AS a (id, name)
       WHERE $1::timestamptz IS NULL OR p.played_at >= $1
       GROUP BY a.id ORDER BY count(*) DESC, a.id COLLATE "C" LIMIT $2`,
      [since, limit],
    );
  }
}
