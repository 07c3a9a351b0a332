import { DomainError } from '@app/core';
import type { SourceProvider } from './catalog-id';

export type ResolvedKind = 'artist' | 'album' | 'release' | 'track' | 'playlist';

export interface ParsedUrl {
  provider: SourceProvider;
  kind: ResolvedKind;
  nativeId: string;
}

export const SUPPORTED_URL_FORMS = [
  'https://musicbrainz.org/{artist|release-group|release|recording}/<mbid>',
  'https://www.deezer.com/[<lang>/]{artist|album|track|playlist}/<id>',
  'https://music.apple.com/<country>/{artist|album|song}/<name>/<id>[?i=<track id>] (also itunes.apple.com)',
  'https://open.spotify.com/[intl-<lang>/]{artist|album|track|playlist}/<id>',
];

const MB_KINDS: Record<string, ResolvedKind> = {
  artist: 'artist',
  'release-group': 'album',
  release: 'release',
  recording: 'track',
};
const PLATFORM_KINDS: Record<string, ResolvedKind> = {
  artist: 'artist',
  album: 'album',
  track: 'track',
  song: 'track',
  playlist: 'playlist',
};

function unsupported(): DomainError {
  return DomainError.invalid('url', `unsupported URL; supported forms: ${SUPPORTED_URL_FORMS.join('; ')}`);
}

function musicbrainz(parts: string[]): ParsedUrl | undefined {
  const [kind, id] = parts;
  return MB_KINDS[kind] && /^[0-9a-f-]{36}$/i.test(id ?? '')
    ? { provider: 'musicbrainz', kind: MB_KINDS[kind], nativeId: id.toLowerCase() }
    : undefined;
}

function deezer(parts: string[]): ParsedUrl | undefined {
  const rest = /^[a-z]{2}$/.test(parts[0] ?? '') ? parts.slice(1) : parts;
  const [kind, id] = rest;
  return PLATFORM_KINDS[kind] && kind !== 'song' && /^\d+$/.test(id ?? '')
    ? { provider: 'deezer', kind: PLATFORM_KINDS[kind], nativeId: id }
    : undefined;
}

function apple(parts: string[], url: URL): ParsedUrl | undefined {
  const rest = /^[a-z]{2}$/.test(parts[0] ?? '') ? parts.slice(1) : parts;
  const kind = rest[0];
  const id = (rest.at(-1) ?? '').replace(/^id/, '');
  const trackId = url.searchParams.get('i');
  if (kind === 'album' && trackId && /^\d+$/.test(trackId)) {
    return { provider: 'itunes', kind: 'track', nativeId: trackId };
  }
  return ['artist', 'album', 'song'].includes(kind) && /^\d+$/.test(id)
    ? { provider: 'itunes', kind: PLATFORM_KINDS[kind], nativeId: id }
    : undefined;
}

function spotify(parts: string[]): ParsedUrl | undefined {
  const rest = (parts[0] ?? '').startsWith('intl-') ? parts.slice(1) : parts;
  const [kind, id] = rest;
  return PLATFORM_KINDS[kind] && kind !== 'song' && /^[0-9A-Za-z]{22}$/.test(id ?? '')
    ? { provider: 'spotify', kind: PLATFORM_KINDS[kind], nativeId: id }
    : undefined;
}

/** Reads a provider and an id out of a link; the URL itself is never fetched. */
export function parseMusicUrl(raw: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw unsupported();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw unsupported();
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const parts = url.pathname.split('/').filter(Boolean);
  const parsed =
    host === 'musicbrainz.org' || host === 'beta.musicbrainz.org'
      ? musicbrainz(parts)
      : host === 'deezer.com'
        ? deezer(parts)
        : host === 'music.apple.com' || host === 'itunes.apple.com' || host === 'geo.music.apple.com'
          ? apple(parts, url)
          : host === 'open.spotify.com'
            ? spotify(parts)
            : undefined;
  if (!parsed) {
    throw unsupported();
  }
  return parsed;
}
