/** The JSON forms of the chorus.v1 library messages (camelCase), identical over REST and gRPC. */

export type FavoriteType = 'track' | 'album' | 'artist';
export const FAVORITE_TYPES: readonly FavoriteType[] = ['track', 'album', 'artist'];

export type ChartWindow = 'day' | 'week' | 'month' | 'all';
export const CHART_WINDOWS: readonly ChartWindow[] = ['day', 'week', 'month', 'all'];

export interface FavoriteView {
  type: FavoriteType;
  id: string;
  title: string;
  artistLine: string;
  createdAt: string;
}

export interface FavoritePageView {
  favorites: FavoriteView[];
  total: number;
}

export interface PlaylistView {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  isPublic: boolean;
  trackCount: number;
  sourceUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface PlaylistTrackView {
  position: number;
  trackId: string;
  title: string;
  artistLine: string;
  durationMs: number;
  addedAt: string;
}

export interface PlaylistTrackPageView {
  tracks: PlaylistTrackView[];
  total: number;
}

export interface PlayView {
  id: string;
  trackId: string;
  title: string;
  artistLine: string;
  playedAt: string;
  durationPlayedMs: number;
}

export interface RecordPlayView {
  play: PlayView;
  /** False when the play repeated one of the last seconds (a retry) and was not counted again. */
  counted: boolean;
}

export interface ChartEntryView {
  rank: number;
  id: string;
  name: string;
  /** The credited artists of a track entry; empty for artists. */
  artistLine: string;
  plays: number;
}

export interface ChartView {
  window: ChartWindow;
  entries: ChartEntryView[];
}

export interface UnresolvedTrackView {
  sourceId: string;
  title: string;
  artistLine: string;
  reason: string;
}

export type ImportState = 'queued' | 'running' | 'done' | 'failed';

/** A playlist import, as its owner follows it: progress while it runs, the outcome once it ends. */
export interface ImportJobView {
  id: string;
  state: ImportState;
  sourceUrl: string;
  /** The new private playlist, once the source playlist was read (it fills page by page). */
  playlistId?: string;
  /** Entries the source platform reports; unknown until the playlist was first read. */
  total?: number;
  /** Entries read so far (imported, unresolved, or over the import limit). */
  processed: number;
  imported: number;
  unresolved: UnresolvedTrackView[];
  /** Why a failed import stopped, or why a running one is waiting (a provider down, the caller's budget). */
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export type EmptyView = Record<string, never>;
