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

export interface ImportView {
  playlist: PlaylistView;
  imported: number;
  unresolved: UnresolvedTrackView[];
}

export type EmptyView = Record<string, never>;
