import { DomainError } from '@app/core';
import type { SourceProvider } from './catalog-id';

export type ResolvedKind = 'artist' | 'album' | 'release' | 'track' | 'playlist';

export interface ParsedUrl {
  provider: SourceProvider;
  kind: ResolvedKind;
  nativeId: string;
}

/** Which links a caller may give: a subset of what the parser reads (e.g. only playlists, for an import). */
export interface UrlScope {
  kinds: readonly ResolvedKind[];
  providers: readonly SourceProvider[];
}

const PLATFORM_KINDS = { artist: 'artist', album: 'album', track: 'track', playlist: 'playlist' } as const;

/**
 * The links the parser reads: per provider, the path words it accepts (with the kind each names) and the form
 * shown to callers, where `{}` becomes those words. The parser and the "supported forms" message both read this,
 * so the message never lists a form the parser refuses.
 */
const URL_SHAPES: Record<SourceProvider, { words: Readonly<Record<string, ResolvedKind>>; form: string }> = {
  musicbrainz: {
    words: { artist: 'artist', 'release-group': 'album', release: 'release', recording: 'track' },
    form: 'https://musicbrainz.org/{}/<mbid>',
  },
  deezer: { words: PLATFORM_KINDS, form: 'https://www.deezer.com/[<lang>/]{}/<id>' },
  itunes: {
    words: { artist: 'artist', album: 'album', song: 'track' },
    form: 'https://music.apple.com/<country>/{}/<name>/<id>[?i=<track id>] (also itunes.apple.com)',
  },
  spotify: { words: PLATFORM_KINDS, form: 'https://open.spotify.com/[intl-<lang>/]{}/<id>' },
};

const ANY_LINK: UrlScope = {
  kinds: ['artist', 'album', 'release', 'track', 'playlist'],
  providers: ['musicbrainz', 'deezer', 'itunes', 'spotify'],
};

/** The link forms within `scope`, as the "unsupported URL" message lists them. */
export function supportedUrlForms(scope: UrlScope = ANY_LINK): string[] {
  return scope.providers.flatMap((provider) => {
    const { words, form } = URL_SHAPES[provider];
    const shown = Object.keys(words).filter((word) => scope.kinds.includes(words[word]));
    if (shown.length === 0) {
      return [];
    }
    return [form.replace('{}', shown.length === 1 ? shown[0] : `{${shown.join('|')}}`)];
  });
}

function unsupported(scope: UrlScope): DomainError {
  return DomainError.invalid('url', `unsupported URL; supported forms: ${supportedUrlForms(scope).join('; ')}`);
}

function kindOf(provider: SourceProvider, word: string | undefined): ResolvedKind | undefined {
  return word !== undefined && Object.hasOwn(URL_SHAPES[provider].words, word)
    ? URL_SHAPES[provider].words[word]
    : undefined;
}

function musicbrainz(parts: string[]): ParsedUrl | undefined {
  const [word, id] = parts;
  const kind = kindOf('musicbrainz', word);
  return kind && /^[0-9a-f-]{36}$/i.test(id ?? '')
    ? { provider: 'musicbrainz', kind, nativeId: id.toLowerCase() }
    : undefined;
}

function deezer(parts: string[]): ParsedUrl | undefined {
  const rest = /^[a-z]{2}$/.test(parts[0] ?? '') ? parts.slice(1) : parts;
  const [word, id] = rest;
  const kind = kindOf('deezer', word);
  return kind && /^\d+$/.test(id ?? '') ? { provider: 'deezer', kind, nativeId: id } : undefined;
}

function apple(parts: string[], url: URL): ParsedUrl | undefined {
  const rest = /^[a-z]{2}$/.test(parts[0] ?? '') ? parts.slice(1) : parts;
  const kind = kindOf('itunes', rest[0]);
  const id = (rest.at(-1) ?? '').replace(/^id/, '');
  const trackId = url.searchParams.get('i');
  if (kind === 'album' && trackId && /^\d+$/.test(trackId)) {
    return { provider: 'itunes', kind: 'track', nativeId: trackId };
  }
  return kind && /^\d+$/.test(id) ? { provider: 'itunes', kind, nativeId: id } : undefined;
}

function spotify(parts: string[]): ParsedUrl | undefined {
  const rest = (parts[0] ?? '').startsWith('intl-') ? parts.slice(1) : parts;
  const [word, id] = rest;
  const kind = kindOf('spotify', word);
  return kind && /^[0-9A-Za-z]{22}$/.test(id ?? '') ? { provider: 'spotify', kind, nativeId: id } : undefined;
}

/**
 * Reads a provider and an id out of a link; the URL itself is never fetched. A link outside `scope` is refused
 * like an unknown one, with the forms of `scope` in the message.
 */
export function parseMusicUrl(raw: string, scope: UrlScope = ANY_LINK): ParsedUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw unsupported(scope);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw unsupported(scope);
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
  if (!parsed || !scope.providers.includes(parsed.provider) || !scope.kinds.includes(parsed.kind)) {
    throw unsupported(scope);
  }
  return parsed;
}
