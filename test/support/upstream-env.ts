import type { FakeUpstream } from '../fake-upstream';

/**
 * Settings that point every provider at the fake upstream, with limits generous enough for tests (the
 * pacing itself is tested in test/providers) and short timeouts so fault tests stay quick.
 */
export function upstreamEnv(fake: FakeUpstream, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    MUSICBRAINZ_BASE_URL: fake.url('musicbrainz'),
    COVERARTARCHIVE_BASE_URL: fake.url('coverartarchive'),
    LRCLIB_BASE_URL: fake.url('lrclib'),
    DEEZER_BASE_URL: fake.url('deezer'),
    ITUNES_BASE_URL: fake.url('itunes'),
    SPOTIFY_API_BASE_URL: fake.url('spotify'),
    SPOTIFY_ACCOUNTS_BASE_URL: fake.url('spotify'),
    SPOTIFY_CLIENT_ID: 'test-client',
    SPOTIFY_CLIENT_SECRET: 'test-secret',
    PROVIDER_LIMITER_KEY_PREFIX: `test:${Math.random().toString(36).slice(2)}:ratelimit:`,
    PROVIDER_RETRY_ATTEMPTS: '1',
    PROVIDER_BREAKER_FAILURES: '50',
    AUTH_JWT_SECRET: 'test-secret-of-at-least-thirty-two-bytes!!',
    AUTH_BCRYPT_COST: '4',
  };
  for (const provider of ['MUSICBRAINZ', 'COVERARTARCHIVE', 'LRCLIB', 'DEEZER', 'ITUNES', 'SPOTIFY']) {
    env[`${provider}_RATE_LIMIT_REQUESTS`] = '1000';
    env[`${provider}_RATE_LIMIT_WINDOW_SEC`] = '1';
    env[`${provider}_TIMEOUT_MS`] = '2000';
  }
  return { ...env, ...extra };
}
