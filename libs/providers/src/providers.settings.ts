import { IsString, Matches } from 'class-validator';
import { defineSettings, formatSettingMap, IntSetting, MapSetting } from '@app/core';
import {
  BASE_URL_MAP,
  DEFAULT_BASE_URLS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_TIMEOUTS_MS,
  formatRateLimit,
  RATE_LIMIT_MAP,
  TIMEOUT_MAP,
} from './domain/provider-defaults';

/**
 * Provider gateway settings. Each provider's base URL, rate limit and timeout come from the table in
 * domain/provider-defaults.ts; the three map settings override single entries (`deezer=20/5s`), and a name
 * the table does not know fails the boot. With REDIS_URL set the rate limits hold across all replicas,
 * otherwise per process.
 */
export class ProvidersSettings {
  /** Contact (URL or e-mail) sent in the User-Agent, as MusicBrainz, LrcLib and Wikimedia ask. */
  @IsString()
  CHORUS_CONTACT = 'https://github.com/chorus-music/chorus';

  /** `provider=URL`, comma-separated; `spotify-accounts` is Spotify's token host, `wikimedia-commons` Wikidata's image host. */
  @MapSetting(BASE_URL_MAP)
  PROVIDER_BASE_URLS = formatSettingMap(DEFAULT_BASE_URLS);

  /** `provider=REQUESTS/SECONDSs` (the providers' published limits), comma-separated. */
  @MapSetting(RATE_LIMIT_MAP)
  PROVIDER_RATE_LIMITS = formatSettingMap(DEFAULT_RATE_LIMITS, formatRateLimit);

  /** `provider=MILLISECONDS`, the upper bound on one HTTP attempt, comma-separated. */
  @MapSetting(TIMEOUT_MAP)
  PROVIDER_TIMEOUTS_MS = formatSettingMap(DEFAULT_TIMEOUTS_MS);

  /** Spotify is enabled only when both the client id and secret are set. */
  @IsString()
  SPOTIFY_CLIENT_ID = '';
  @IsString()
  SPOTIFY_CLIENT_SECRET = '';

  /** Genius (song pages and annotations, never lyrics) is enabled only when this API client access token is set. */
  @IsString()
  GENIUS_ACCESS_TOKEN = '';

  /** TCP/TLS connect timeout for every provider. */
  @IntSetting(50, 60_000)
  PROVIDER_CONNECT_TIMEOUT_MS = 3_000;
  /** Larger answers are cut off and reported as UPSTREAM_UNAVAILABLE. */
  @IntSetting(1_024, 100 * 1024 * 1024)
  PROVIDER_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
  /** Attempts per idempotent call incl. the first (0 or 1 = no retry); only connection errors, 502/503/504 and 429 are retried. */
  @IntSetting(0, 10)
  PROVIDER_RETRY_ATTEMPTS = 3;
  @IntSetting(1, 60_000)
  PROVIDER_RETRY_BASE_DELAY_MS = 250;
  /** Longest wait before a retry; a Retry-After beyond it fails the call at once with that Retry-After. */
  @IntSetting(1, 120_000)
  PROVIDER_RETRY_MAX_DELAY_MS = 5_000;
  /**
   * Consecutive failed calls (5xx, timeouts, connection errors, garbage) that open a provider's breaker. Each retry
   * attempt is a call, so with PROVIDER_RETRY_ATTEMPTS=3 two requests that fail every attempt open it.
   */
  @IntSetting(1, 1_000)
  PROVIDER_BREAKER_FAILURES = 5;
  /** How long an open breaker fails fast before letting one probe through. */
  @IntSetting(10, 3_600_000)
  PROVIDER_BREAKER_HALF_OPEN_AFTER_MS = 30_000;
  /**
   * `POINTS/SECONDS` (`60/60s`): provider calls one caller (a signed-in user, else a client address) may cause per
   * window, across replicas with Redis; beyond it RATE_LIMITED (429). Answers from a cache or the catalog are free.
   */
  @Matches(/^[1-9]\d{0,5}\/[1-9]\d{0,4}s?$/, { message: 'must be POINTS/SECONDS like 60/60s (1-999999 per 1-99999 s)' })
  PROVIDER_CALLER_BUDGET = '60/60s';
  /** How long a call may queue for its turn under the rate limit before failing with UPSTREAM_UNAVAILABLE. */
  @IntSetting(0, 120_000)
  PROVIDER_QUEUE_MAX_WAIT_MS = 10_000;
}

export const providersSettings = defineSettings('providers', ProvidersSettings);
