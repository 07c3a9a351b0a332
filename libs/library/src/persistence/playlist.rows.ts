import type { PlaylistTrackView, PlaylistView } from '../domain/library.views';

export interface PlaylistRow {
  id: string;
  user_id: string;
  name: string;
  description: string;
  is_public: boolean;
  source_url: string | null;
  track_count: string;
  created_at: Date;
  updated_at: Date;
}

export interface PlaylistTrackRow {
  position: number;
  track_id: string;
  title: string;
  artist_line: string;
  duration_ms: number | null;
  added_at: Date;
}

export const PLAYLIST_COLUMNS = `p.id, p.user_id, p.name, p.description, p.is_public, p.source_url, p.created_at,
  p.updated_at, (SELECT count(*) FROM library_playlist_tracks t WHERE t.playlist_id = p.id) AS track_count`;

export const TRACK_COLUMNS = 'position, track_id, title, artist_line, duration_ms, added_at';

export function toPlaylistView(row: PlaylistRow): PlaylistView {
  return {
    id: row.id,
    ownerId: row.user_id,
    name: row.name,
    description: row.description,
    isPublic: row.is_public,
    trackCount: Number(row.track_count),
    sourceUrl: row.source_url ?? '',
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toTrackView(row: PlaylistTrackRow): PlaylistTrackView {
  return {
    position: row.position,
    trackId: row.track_id,
    title: row.title,
    artistLine: row.artist_line,
    durationMs: row.duration_ms ?? 0,
    addedAt: row.added_at.toISOString(),
  };
}
