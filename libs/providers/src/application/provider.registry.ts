import { Inject, Injectable } from '@nestjs/common';
import { parseSettingMap } from '@app/core';
import { PROVIDER_NAMES, type ProviderName } from '../domain/music.model';
import {
  BASE_URL_MAP,
  DEFAULT_BASE_URLS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_TIMEOUTS_MS,
  PROVIDER_DEFAULTS,
  RATE_LIMIT_MAP,
  SPOTIFY_ACCOUNTS,
  TIMEOUT_MAP,
  WIKIMEDIA_COMMONS,
  type BaseUrlKey,
  type RateLimit,
} from '../domain/provider-defaults';
import { providersSettings, type ProvidersSettings } from '../providers.settings';

export interface ProviderConfig {
  name: ProviderName;
  enabled: boolean;
  baseUrl: string;
  timeoutMs: number;
  rateLimit: RateLimit;
  /** Known hosts besides the base URL's that its answers may redirect to. */
  redirectHosts: readonly string[];
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Each provider's effective configuration: the defaults table with the map settings' overrides on top. */
@Injectable()
export class ProviderRegistry {
  private readonly configs: ReadonlyMap<ProviderName, ProviderConfig>;
  private readonly baseUrls: Record<BaseUrlKey, string>;

  constructor(@Inject(providersSettings.KEY) private readonly settings: ProvidersSettings) {
    this.baseUrls = parseSettingMap(settings.PROVIDER_BASE_URLS, BASE_URL_MAP, DEFAULT_BASE_URLS);
    const rateLimits = parseSettingMap(settings.PROVIDER_RATE_LIMITS, RATE_LIMIT_MAP, DEFAULT_RATE_LIMITS);
    const timeouts = parseSettingMap(settings.PROVIDER_TIMEOUTS_MS, TIMEOUT_MAP, DEFAULT_TIMEOUTS_MS);
    this.configs = new Map(
      PROVIDER_NAMES.map((name) => [
        name,
        {
          name,
          enabled: this.configured(name),
          baseUrl: trimSlash(this.baseUrls[name]),
          timeoutMs: timeouts[name],
          rateLimit: rateLimits[name],
          redirectHosts: PROVIDER_DEFAULTS[name].redirectHosts,
        },
      ]),
    );
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

  /** The Genius API client access token, when set: it goes out only in the Authorization header. */
  get geniusToken(): string | undefined {
    return this.settings.GENIUS_ACCESS_TOKEN || undefined;
  }

  private configured(name: ProviderName): boolean {
    if (name === 'spotify') {
      return this.spotifyCredentials !== undefined;
    }
    return name !== 'genius' || this.geniusToken !== undefined;
  }

  get spotifyAccountsBaseUrl(): string {
    return trimSlash(this.baseUrls[SPOTIFY_ACCOUNTS]);
  }

  /** Where Wikidata's image files are (Wikimedia Commons); its answers count as the `wikidata` provider's. */
  get commonsBaseUrl(): string {
    return trimSlash(this.baseUrls[WIKIMEDIA_COMMONS]);
  }

  get spotifyCredentials(): { clientId: string; clientSecret: string } | undefined {
    const { SPOTIFY_CLIENT_ID: clientId, SPOTIFY_CLIENT_SECRET: clientSecret } = this.settings;
    return clientId && clientSecret ? { clientId, clientSecret } : undefined;
  }
}
