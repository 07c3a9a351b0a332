import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_NAMES, type ProviderName } from '../domain/music.model';
import { providersSettings, type ProvidersSettings } from '../providers.settings';

export interface ProviderConfig {
  name: ProviderName;
  enabled: boolean;
  baseUrl: string;
  timeoutMs: number;
  rateLimit: { requests: number; windowSec: number };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Each provider's effective configuration (base URL, limit, timeout, enabled), read from the settings. */
@Injectable()
export class ProviderRegistry {
  private readonly configs: ReadonlyMap<ProviderName, ProviderConfig>;

  constructor(@Inject(providersSettings.KEY) private readonly settings: ProvidersSettings) {
    this.configs = new Map(PROVIDER_NAMES.map((name) => [name, this.build(name)]));
  }

  get(name: ProviderName): ProviderConfig {
    const config = this.configs.get(name);
    if (!config) {
      throw new Error(`unknown provider ${name}`);
    }
    return config;
  }

  all(): ProviderConfig[] {
    return [...this.configs.values()];
  }

  get spotifyAccountsBaseUrl(): string {
    return trimSlash(this.settings.SPOTIFY_ACCOUNTS_BASE_URL);
  }

  get spotifyCredentials(): { clientId: string; clientSecret: string } | undefined {
    const { SPOTIFY_CLIENT_ID: clientId, SPOTIFY_CLIENT_SECRET: clientSecret } = this.settings;
    return clientId && clientSecret ? { clientId, clientSecret } : undefined;
  }

  private build(name: ProviderName): ProviderConfig {
    const s = this.settings;
    const table: Record<ProviderName, Omit<ProviderConfig, 'name' | 'enabled'>> = {
      musicbrainz: this.entry(s.MUSICBRAINZ_BASE_URL, s.MUSICBRAINZ_TIMEOUT_MS, [
        s.MUSICBRAINZ_RATE_LIMIT_REQUESTS,
        s.MUSICBRAINZ_RATE_LIMIT_WINDOW_SEC,
      ]),
      coverartarchive: this.entry(s.COVERARTARCHIVE_BASE_URL, s.COVERARTARCHIVE_TIMEOUT_MS, [
        s.COVERARTARCHIVE_RATE_LIMIT_REQUESTS,
        s.COVERARTARCHIVE_RATE_LIMIT_WINDOW_SEC,
      ]),
      lrclib: this.entry(s.LRCLIB_BASE_URL, s.LRCLIB_TIMEOUT_MS, [
        s.LRCLIB_RATE_LIMIT_REQUESTS,
        s.LRCLIB_RATE_LIMIT_WINDOW_SEC,
      ]),
      deezer: this.entry(s.DEEZER_BASE_URL, s.DEEZER_TIMEOUT_MS, [
        s.DEEZER_RATE_LIMIT_REQUESTS,
        s.DEEZER_RATE_LIMIT_WINDOW_SEC,
      ]),
      itunes: this.entry(s.ITUNES_BASE_URL, s.ITUNES_TIMEOUT_MS, [
        s.ITUNES_RATE_LIMIT_REQUESTS,
        s.ITUNES_RATE_LIMIT_WINDOW_SEC,
      ]),
      spotify: this.entry(s.SPOTIFY_API_BASE_URL, s.SPOTIFY_TIMEOUT_MS, [
        s.SPOTIFY_RATE_LIMIT_REQUESTS,
        s.SPOTIFY_RATE_LIMIT_WINDOW_SEC,
      ]),
    };
    const enabled = name !== 'spotify' || this.spotifyCredentials !== undefined;
    return { name, enabled, ...table[name] };
  }

  private entry(baseUrl: string, timeoutMs: number, [requests, windowSec]: [number, number]) {
    return { baseUrl: trimSlash(baseUrl), timeoutMs, rateLimit: { requests, windowSec } };
  }
}
