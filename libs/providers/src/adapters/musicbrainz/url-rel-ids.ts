import type { ExternalIds, ExternalUrl } from '../../domain/music.model';

export type UrlRelKind = 'artist' | 'album' | 'track';

type UrlRelPlatform = 'deezer' | 'spotify' | 'itunes' | 'discogs' | 'wikidata';

/** Per platform: the host it lives on and, per kind, the path that carries the id (group 1). */
const PATTERNS: Record<UrlRelPlatform, { host: RegExp; paths: Partial<Record<UrlRelKind, RegExp>> }> = {
  deezer: {
    host: /(^|\.)deezer\.com$/,
    paths: {
      artist: /^\/(?:[a-z]{2}\/)?artist\/(\d+)/,
      album: /^\/(?:[a-z]{2}\/)?album\/(\d+)/,
      track: /^\/(?:[a-z]{2}\/)?track\/(\d+)/,
    },
  },
  spotify: {
    host: /^open\.spotify\.com$/,
    paths: {
      artist: /^\/(?:intl-[a-z-]+\/)?artist\/([0-9A-Za-z]{22})/,
      album: /^\/(?:intl-[a-z-]+\/)?album\/([0-9A-Za-z]{22})/,
      track: /^\/(?:intl-[a-z-]+\/)?track\/([0-9A-Za-z]{22})/,
    },
  },
  // Apple Music ids are iTunes ids: one namespace in Chorus.
  itunes: {
    host: /^(music|itunes)\.apple\.com$/,
    paths: {
      artist: /^\/(?:[a-z]{2}\/)?artist\/(?:[^/]+\/)?(?:id)?(\d+)/,
      album: /^\/(?:[a-z]{2}\/)?album\/(?:[^/]+\/)?(?:id)?(\d+)/,
      track: /^\/(?:[a-z]{2}\/)?song\/(?:[^/]+\/)?(?:id)?(\d+)/,
    },
  },
  // A MusicBrainz release group is a Discogs master; a recording has no Discogs page of its own.
  discogs: { host: /(^|\.)discogs\.com$/, paths: { artist: /^\/artist\/(\d+)/, album: /^\/master\/(\d+)/ } },
  wikidata: {
    host: /^(www\.)?wikidata\.org$/,
    paths: { artist: /^\/wiki\/(Q\d+)$/, album: /^\/wiki\/(Q\d+)$/, track: /^\/wiki\/(Q\d+)$/ },
  },
};

export const URL_REL_PLATFORMS = Object.keys(PATTERNS) as UrlRelPlatform[];

/** The platform and native id a URL relation points at, for an entity of this kind; undefined for other links. */
export function urlRelId(url: string, kind: UrlRelKind): { platform: UrlRelPlatform; id: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  for (const platform of URL_REL_PLATFORMS) {
    const { host, paths } = PATTERNS[platform];
    const match = host.test(parsed.hostname.toLowerCase()) ? paths[kind]?.exec(parsed.pathname) : undefined;
    if (match) {
      return { platform, id: match[1] };
    }
  }
  return undefined;
}

/** The platform ids of an entity's URL relations (the first of each platform wins, as MusicBrainz lists them). */
export function urlRelIds(urls: readonly ExternalUrl[], kind: UrlRelKind): Partial<ExternalIds> {
  const ids: Partial<Record<UrlRelPlatform, string>> = {};
  for (const { url } of urls) {
    const found = urlRelId(url, kind);
    if (found && ids[found.platform] === undefined) {
      ids[found.platform] = found.id;
    }
  }
  return ids;
}
