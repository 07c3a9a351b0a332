import { DomainError } from '@app/core';

/** The platforms whose playlists Chorus can read. */
export type PlaylistProvider = 'deezer' | 'spotify';

/** A playlist on a platform, by its catalog-style id (`deezer:908622995`, `spotify:<22 base62 chars>`). */
export interface ExternalPlaylistId {
  provider: PlaylistProvider;
  nativeId: string;
}

const NATIVE: Record<PlaylistProvider, RegExp> = {
  deezer: /^\d{1,19}$/,
  spotify: /^[0-9A-Za-z]{22}$/,
};

export const PLAYLIST_ID_FORMS = 'deezer:<digits> or spotify:<22 base62 chars>';

/** Parses a playlist id as the other catalog ids are written: INVALID_ARGUMENT naming `field` otherwise. */
export function parseExternalPlaylistId(raw: string, field = 'id'): ExternalPlaylistId {
  const text = raw.trim();
  const colon = text.indexOf(':');
  const provider = text.slice(0, Math.max(colon, 0)).toLowerCase();
  const nativeId = text.slice(colon + 1);
  if (provider !== 'deezer' && provider !== 'spotify') {
    throw DomainError.invalid(field, `must be ${PLAYLIST_ID_FORMS}`);
  }
  if (!NATIVE[provider].test(nativeId)) {
    throw DomainError.invalid(field, `must be ${PLAYLIST_ID_FORMS}`);
  }
  return { provider, nativeId };
}

export function formatPlaylistId(id: ExternalPlaylistId): string {
  return `${id.provider}:${id.nativeId}`;
}

/** The read path's key of a playlist's head (name, owner, images, track count). */
export function playlistHeadKey(id: ExternalPlaylistId): string {
  return `external-playlist:${formatPlaylistId(id)}`;
}

/** The read path's key of one page of a playlist's entries, as asked (the platform is asked for that page). */
export function playlistPageKey(id: ExternalPlaylistId, offset: number, limit: number): string {
  return `${playlistPagesPrefix(id)}${offset}:${limit}`;
}

/** What every page key of the playlist starts with (a purge forgets them all). */
export function playlistPagesPrefix(id: ExternalPlaylistId): string {
  return `external-playlist-tracks:${formatPlaylistId(id)}:`;
}
