import { IsString, IsUrl } from 'class-validator';
import { defineSettings, IntSetting } from '@app/core';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Provider gateway settings. Rate limits are "REQUESTS per WINDOW_SEC" (the providers' published limits);
 * with REDIS_URL set they hold across all replicas, otherwise per process.
 */
export class ProvidersSettings {
  /** Contact (URL or e-mail) sent in the User-Agent, as MusicBrainz and LrcLib ask. */
  @IsString()
  CHORUS_CONTACT = 'https://github.com/chorus-music/chorus';

  @IsUrl(URL_OPTIONS)
  MUSICBRAINZ_BASE_URL = 'https://musicbrainz.org';
  @IntSetting(1, 10_000)
  MUSICBRAINZ_RATE_LIMIT_REQUESTS = 1;
  @IntSetting(1, 3_600)
  MUSICBRAINZ_RATE_LIMIT_WINDOW_SEC = 1;
  @IntSetting(50, 120_000)
  MUSICBRAINZ_TIMEOUT_MS = 10_000;

  @IsUrl(URL_OPTIONS)
  COVERARTARCHIVE_BASE_URL = 'https://coverartarchive.org';
  @IntSetting(1, 10_000)
  COVERARTARCHIVE_RATE_LIMIT_REQUESTS = 10;
  @IntSetting(1, 3_600)
  COVERARTARCHIVE_RATE_LIMIT_WINDOW_SEC = 1;
  @IntSetting(50, 120_000)
  COVERARTARCHIVE_TIMEOUT_MS = 10_000;

  @IsUrl(URL_OPTIONS)
  LRCLIB_BASE_URL = 'https://lrclib.net';
  @IntSetting(1, 10_000)
  LRCLIB_RATE_LIMIT_REQUESTS = 5;
  @IntSetting(1, 3_600)
  LRCLIB_RATE_LIMIT_WINDOW_SEC = 1;
  @IntSetting(50, 120_000)
  LRCLIB_TIMEOUT_MS = 10_000;

  @IsUrl(URL_OPTIONS)
  DEEZER_BASE_URL = 'https://api.deezer.com';
  @IntSetting(1, 10_000)
  DEEZER_RATE_LIMIT_REQUESTS = 50;
  @IntSetting(1, 3_600)
  DEEZER_RATE_LIMIT_WINDOW_SEC = 5;
  @IntSetting(50, 120_000)
  DEEZER_TIMEOUT_MS = 8_000;

  @IsUrl(URL_OPTIONS)
  ITUNES_BASE_URL = 'https://itunes.apple.com';
  @IntSetting(1, 10_000)
  ITUNES_RATE_LIMIT_REQUESTS = 20;
  @IntSetting(1, 3_600)
  ITUNES_RATE_LIMIT_WINDOW_SEC = 60;
  @IntSetting(50, 120_000)
  ITUNES_TIMEOUT_MS = 8_000;

  @IsUrl(URL_OPTIONS)
  SPOTIFY_API_BASE_URL = 'https://api.spotify.com';
  @IsUrl(URL_OPTIONS)
  SPOTIFY_ACCOUNTS_BASE_URL = 'https://accounts.spotify.com';
  /** Spotify is enabled only when both the client id and secret are set. */
  @IsString()
  SPOTIFY_CLIENT_ID = '';
  @IsString()
  SPOTIFY_CLIENT_SECRET = '';
  @IntSetting(1, 10_000)
  SPOTIFY_RATE_LIMIT_REQUESTS = 50;
  @IntSetting(1, 3_600)
  SPOTIFY_RATE_LIMIT_WINDOW_SEC = 30;
  @IntSetting(50, 120_000)
  SPOTIFY_TIMEOUT_MS = 8_000;

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
  /** Consecutive failures (5xx, timeouts, connection errors, garbage) that open a provider's breaker. */
  @IntSetting(1, 1_000)
  PROVIDER_BREAKER_FAILURES = 5;
  /** How long an open breaker fails fast before letting one probe through. */
  @IntSetting(10, 3_600_000)
  PROVIDER_BREAKER_HALF_OPEN_AFTER_MS = 30_000;
  /** How long a call may queue for its turn under the rate limit before failing with UPSTREAM_UNAVAILABLE. */
  @IntSetting(0, 120_000)
  PROVIDER_QUEUE_MAX_WAIT_MS = 10_000;
  /**
   * Rate-limit slots a replica takes from the shared (Redis) window in one call and hands out itself until that
   * window ends: one Redis round trip per this many provider calls. Capped at a tenth of a provider's window
   * (so MusicBrainz's 1 per second stays 1); 1 turns leasing off.
   */
  @IntSetting(1, 1_000)
  PROVIDER_LIMITER_LEASE = 5;
  /** Redis key prefix of the rate-limit counters shared by all replicas. */
  @IsString()
  PROVIDER_LIMITER_KEY_PREFIX = 'chorus:ratelimit:';
  /** Spotify tokens are renewed this long before they expire. */
  @IntSetting(0, 3_600_000)
  SPOTIFY_TOKEN_REFRESH_MARGIN_MS = 60_000;
}

export const providersSettings = defineSettings('providers', ProvidersSettings);
