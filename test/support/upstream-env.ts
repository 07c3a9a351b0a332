import { FAKE_GENIUS_TOKEN, type FakeUpstream } from '../fake-upstream';

const PROVIDERS = [
  'musicbrainz',
  'coverartarchive',
  'lrclib',
  'deezer',
  'itunes',
  'spotify',
  'genius',
  'wikidata',
] as const;

/** `name=value,...` over every provider, as the PROVIDER_* map settings read it. */
export function providerMap(value: (provider: (typeof PROVIDERS)[number]) => string): string {
  return PROVIDERS.map((provider) => `${provider}=${value(provider)}`).join(',');
}

const MAP_SETTINGS = ['PROVIDER_BASE_URLS', 'PROVIDER_RATE_LIMITS', 'PROVIDER_TIMEOUTS_MS'];

/**
 * Settings that point every provider at the fake upstream, with limits generous enough for tests (the
 * pacing itself is tested in test/providers) and short timeouts so fault tests stay quick. A map setting in
 * `extra` (`PROVIDER_TIMEOUTS_MS: 'musicbrainz=500'`) overrides only the providers it names, as for an operator.
 */
export function upstreamEnv(fake: FakeUpstream, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PROVIDER_BASE_URLS: `${providerMap((p) => fake.url(p))},spotify-accounts=${fake.url('spotify')},wikimedia-commons=${fake.url('commons')}`,
    PROVIDER_RATE_LIMITS: providerMap(() => '1000/1s'),
    PROVIDER_TIMEOUTS_MS: providerMap(() => '2000'),
    SPOTIFY_CLIENT_ID: 'test-client',
    SPOTIFY_CLIENT_SECRET: 'test-secret',
    GENIUS_ACCESS_TOKEN: FAKE_GENIUS_TOKEN,
    PROVIDER_RETRY_ATTEMPTS: '1',
    PROVIDER_BREAKER_FAILURES: '50',
    // Every test caller is 127.0.0.1: the per-caller budget is tested in test/security/provider-quotas.
    PROVIDER_CALLER_BUDGET: '100000/60s',
    AUTH_JWT_SECRET: 'test-secret-of-at-least-thirty-two-bytes!!',
    AUTH_BCRYPT_COST: '4',
  };
  const merged = { ...env, ...extra };
  for (const name of MAP_SETTINGS) {
    if (extra[name]) {
      // Later entries of a map win.
      merged[name] = `${env[name]},${extra[name]}`;
    }
  }
  return merged;
}
