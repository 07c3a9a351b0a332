import { intValue, MapValueProblem, type MapValueParser, type SettingMapSpec } from '@app/core';
import { PROVIDER_NAMES, type ProviderName } from './music.model';

export interface RateLimit {
  requests: number;
  windowSec: number;
}

/** Where a provider is and how hard Chorus may use it, unless PROVIDER_BASE_URLS / _RATE_LIMITS / _TIMEOUTS_MS say otherwise. */
export interface ProviderDefaults {
  baseUrl: string;
  /** The provider's published limit (requests per window). */
  rateLimit: RateLimit;
  /** Upper bound on one HTTP attempt. */
  timeoutMs: number;
  /**
   * Hosts besides the base URL's own that the provider's answers may redirect to; `.example.org` also admits
   * every subdomain. Redirects anywhere else are refused (upstream/redirect-policy.ts).
   */
  redirectHosts: readonly string[];
}

export const PROVIDER_DEFAULTS: Readonly<Record<ProviderName, ProviderDefaults>> = {
  musicbrainz: {
    baseUrl: 'https://musicbrainz.org',
    rateLimit: { requests: 1, windowSec: 1 },
    timeoutMs: 10_000,
    redirectHosts: ['musicbrainz.org'],
  },
  coverartarchive: {
    baseUrl: 'https://coverartarchive.org',
    rateLimit: { requests: 10, windowSec: 1 },
    timeoutMs: 10_000,
    // Its JSON lives on the Internet Archive: coverartarchive.org → archive.org → ia*.us.archive.org.
    redirectHosts: ['coverartarchive.org', 'archive.org', '.archive.org'],
  },
  lrclib: {
    baseUrl: 'https://lrclib.net',
    rateLimit: { requests: 5, windowSec: 1 },
    timeoutMs: 10_000,
    redirectHosts: ['lrclib.net'],
  },
  deezer: {
    baseUrl: 'https://api.deezer.com',
    rateLimit: { requests: 50, windowSec: 5 },
    timeoutMs: 8_000,
    redirectHosts: ['api.deezer.com'],
  },
  itunes: {
    baseUrl: 'https://itunes.apple.com',
    rateLimit: { requests: 20, windowSec: 60 },
    timeoutMs: 8_000,
    redirectHosts: ['itunes.apple.com'],
  },
  spotify: {
    baseUrl: 'https://api.spotify.com',
    rateLimit: { requests: 50, windowSec: 30 },
    timeoutMs: 8_000,
    redirectHosts: ['api.spotify.com', 'accounts.spotify.com'],
  },
  genius: {
    baseUrl: 'https://api.genius.com',
    // Genius publishes no limit; this stays well under what its API answers without throttling.
    rateLimit: { requests: 5, windowSec: 1 },
    timeoutMs: 8_000,
    redirectHosts: ['api.genius.com'],
  },
  wikidata: {
    baseUrl: 'https://www.wikidata.org',
    // Wikimedia publishes no hard limit for entity reads; it asks for a descriptive User-Agent and restraint.
    rateLimit: { requests: 5, windowSec: 1 },
    timeoutMs: 8_000,
    // Commons is where Wikidata's images live: Special:FilePath answers with a redirect to upload.wikimedia.org.
    redirectHosts: ['www.wikidata.org', 'commons.wikimedia.org', 'upload.wikimedia.org'],
  },
};

/** Spotify's token endpoint lives on a host of its own; PROVIDER_BASE_URLS names it `spotify-accounts`. */
export const SPOTIFY_ACCOUNTS = 'spotify-accounts';
/** Wikidata's images are files on Wikimedia Commons, another host; PROVIDER_BASE_URLS names it `wikimedia-commons`. */
export const WIKIMEDIA_COMMONS = 'wikimedia-commons';
export type BaseUrlKey = ProviderName | typeof SPOTIFY_ACCOUNTS | typeof WIKIMEDIA_COMMONS;

export const DEFAULT_BASE_URLS: Readonly<Record<BaseUrlKey, string>> = {
  ...(Object.fromEntries(PROVIDER_NAMES.map((name) => [name, PROVIDER_DEFAULTS[name].baseUrl])) as Record<
    ProviderName,
    string
  >),
  [SPOTIFY_ACCOUNTS]: 'https://accounts.spotify.com',
  [WIKIMEDIA_COMMONS]: 'https://commons.wikimedia.org',
};

function column<V>(pick: (defaults: ProviderDefaults) => V): Record<ProviderName, V> {
  return Object.fromEntries(PROVIDER_NAMES.map((name) => [name, pick(PROVIDER_DEFAULTS[name])])) as Record<
    ProviderName,
    V
  >;
}

export const DEFAULT_RATE_LIMITS = column((d) => d.rateLimit);
export const DEFAULT_TIMEOUTS_MS = column((d) => d.timeoutMs);

const baseUrlValue: MapValueParser<string> = (text) => {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      return text.replace(/\/+$/, '');
    }
  } catch {
    // Reported below like any other value that is not an http(s) URL.
  }
  return new MapValueProblem('must be an http(s):// URL');
};

const RATE = /^(\d+)\/(\d+)s$/;

const rateLimitValue: MapValueParser<RateLimit> = (text) => {
  const match = RATE.exec(text);
  const requests = Number(match?.[1]);
  const windowSec = Number(match?.[2]);
  return match && requests >= 1 && requests <= 10_000 && windowSec >= 1 && windowSec <= 3_600
    ? { requests, windowSec }
    : new MapValueProblem('must be REQUESTS/SECONDSs like 50/5s (1-10000 requests per 1-3600 s)');
};

export const BASE_URL_MAP: SettingMapSpec<BaseUrlKey, string> = {
  keyNoun: 'provider',
  keys: [...PROVIDER_NAMES, SPOTIFY_ACCOUNTS, WIKIMEDIA_COMMONS],
  parseValue: baseUrlValue,
};

export const RATE_LIMIT_MAP: SettingMapSpec<ProviderName, RateLimit> = {
  keyNoun: 'provider',
  keys: PROVIDER_NAMES,
  parseValue: rateLimitValue,
};

export const TIMEOUT_MAP: SettingMapSpec<ProviderName, number> = {
  keyNoun: 'provider',
  keys: PROVIDER_NAMES,
  parseValue: intValue(50, 120_000),
};

export const formatRateLimit = ({ requests, windowSec }: RateLimit): string => `${requests}/${windowSec}s`;
