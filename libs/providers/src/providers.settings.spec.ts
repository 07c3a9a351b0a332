import { parseSettings, SettingsError } from '@app/core';
import { ProviderRegistry } from './application/provider.registry';
import { ProvidersSettings } from './providers.settings';

function registryOf(raw: Record<string, string>): ProviderRegistry {
  return new ProviderRegistry(parseSettings(ProvidersSettings, raw));
}

describe(ProvidersSettings.name, () => {
  it('should take every provider from the defaults table when nothing is set', () => {
    const sut = registryOf({});

    expect(sut.get('musicbrainz')).toMatchObject({
      baseUrl: 'https://musicbrainz.org',
      rateLimit: { requests: 1, windowSec: 1 },
      timeoutMs: 10_000,
    });
    expect(sut.spotifyAccountsBaseUrl).toBe('https://accounts.spotify.com');
    expect(sut.get('spotify').enabled).toBe(false);
  });

  it('should override only the providers a map names, the last entry winning', () => {
    const sut = registryOf({
      PROVIDER_BASE_URLS: 'deezer=http://127.0.0.1:9/deezer/, spotify-accounts=http://127.0.0.1:9/accounts',
      PROVIDER_RATE_LIMITS: 'deezer=10/1s,deezer=20/2s',
      PROVIDER_TIMEOUTS_MS: 'itunes=500',
    });

    expect(sut.get('deezer')).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/deezer',
      rateLimit: { requests: 20, windowSec: 2 },
    });
    expect(sut.get('itunes').timeoutMs).toBe(500);
    expect(sut.get('itunes').rateLimit).toEqual({ requests: 20, windowSec: 60 });
    expect(sut.spotifyAccountsBaseUrl).toBe('http://127.0.0.1:9/accounts');
  });

  it.each([
    ['PROVIDER_RATE_LIMITS', 'musicbrianz=2/1s', 'unknown provider "musicbrianz" (known: musicbrainz,'],
    ['PROVIDER_TIMEOUTS_MS', 'spotify-accounts=100', 'unknown provider "spotify-accounts"'],
    ['PROVIDER_RATE_LIMITS', 'deezer=50', 'deezer must be REQUESTS/SECONDSs like 50/5s'],
    ['PROVIDER_TIMEOUTS_MS', 'deezer=10', 'deezer must be an integer between 50 and 120000'],
    ['PROVIDER_BASE_URLS', 'deezer=ftp://x', 'deezer must be an http(s):// URL'],
    ['PROVIDER_BASE_URLS', 'https://api.deezer.com', 'is not provider=value'],
  ])('should refuse %s=%s at boot with one line naming it', (name, value, reason) => {
    const sut = (): unknown => parseSettings(ProvidersSettings, { [name]: value });

    expect(sut).toThrow(SettingsError);
    expect(sut).toThrow(`Invalid setting ${name} ("${value}"): `);
    expect(sut).toThrow(reason);
  });
});
