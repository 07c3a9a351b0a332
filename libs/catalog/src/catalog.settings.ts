import { IsString, Matches } from 'class-validator';
import { defineSettings, formatSettingMap, IntSetting, MapSetting, parseSettingMap } from '@app/core';
import { DEFAULT_TTLS, TTL_MAP, type TtlKind } from './domain/catalog-ttls';

export class CatalogSettings {
  /**
   * Freshness in seconds per kind (`entity`, `search`, `lyrics`, `coverArt`, `links`, `notFound`, `miss`),
   * comma-separated; kinds left out keep the table in domain/catalog-ttls.ts.
   */
  @MapSetting(TTL_MAP)
  CATALOG_TTL_SECONDS = formatSettingMap(DEFAULT_TTLS);

  /** Upper bound on one provider fetch holding the cross-replica single-flight lock. */
  @IntSetting(100, 120_000)
  CATALOG_LOCK_TTL_MS = 15_000;

  /** Providers asked by /v1/search when the caller names none (disabled ones are skipped). */
  @IsString()
  @Matches(/^[a-z,]*$/, { message: 'must be a comma-separated list of provider names' })
  CATALOG_SEARCH_PROVIDERS = 'musicbrainz,deezer,itunes,spotify';

  /** Largest cover image Chorus relays. */
  @IntSetting(1_024, 50 * 1024 * 1024)
  CATALOG_COVER_MAX_BYTES = 10 * 1024 * 1024;

  /**
   * Byte budget of the cover images kept under DATA_DIR/covers; the least recently used go first. An image is
   * kept even when it alone exceeds the budget (it is served right after), with everything else evicted.
   */
  @IntSetting(1_024, 1024 ** 4)
  CATALOG_COVER_CACHE_MAX_BYTES = 512 * 1024 * 1024;

  /** Cover downloads one process runs at once; the excess waits a quarter of CATALOG_COVER_TIMEOUT_MS, then 503. */
  @IntSetting(1, 256)
  CATALOG_COVER_MAX_DOWNLOADS = 8;

  /** Upper bound on fetching one cover image from a provider's image host. */
  @IntSetting(100, 120_000)
  CATALOG_COVER_TIMEOUT_MS = 10_000;

  /** Retry-After sent when no provider could answer (every search provider failed, a cover host is down). */
  @IntSetting(1, 3_600)
  CATALOG_UPSTREAM_RETRY_AFTER_SECONDS = 30;
}

export const catalogSettings = defineSettings('catalog', CatalogSettings);

const parsedTtls = new WeakMap<CatalogSettings, Readonly<Record<TtlKind, number>>>();

/** CATALOG_TTL_SECONDS over the defaults table, parsed once per settings instance. */
export function catalogTtls(settings: CatalogSettings): Readonly<Record<TtlKind, number>> {
  let ttls = parsedTtls.get(settings);
  if (!ttls) {
    ttls = parseSettingMap(settings.CATALOG_TTL_SECONDS, TTL_MAP, DEFAULT_TTLS);
    parsedTtls.set(settings, ttls);
  }
  return ttls;
}
