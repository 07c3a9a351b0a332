import { IsString, Matches } from 'class-validator';
import { BooleanSetting, defineSettings, IntSetting } from '@app/core';

const DAY = 86_400;

export class CatalogSettings {
  /** Freshness of artists, albums, releases and tracks. */
  @IntSetting(1, 365 * DAY)
  CATALOG_TTL_ENTITY_SECONDS = 7 * DAY;

  @IntSetting(1, 30 * DAY)
  CATALOG_TTL_SEARCH_SECONDS = 3_600;

  @IntSetting(1, 365 * DAY)
  CATALOG_TTL_LYRICS_SECONDS = 30 * DAY;

  @IntSetting(1, 365 * DAY)
  CATALOG_TTL_COVER_ART_SECONDS = 7 * DAY;

  /** Cross-platform matches of a track (links). */
  @IntSetting(1, 365 * DAY)
  CATALOG_TTL_LINKS_SECONDS = 7 * DAY;

  /** How long a provider's "not found" is believed. */
  @IntSetting(1, 30 * DAY)
  CATALOG_TTL_NOT_FOUND_SECONDS = 3_600;

  /** Upper bound on one provider fetch holding the cross-replica single-flight lock. */
  @IntSetting(100, 120_000)
  CATALOG_LOCK_TTL_MS = 15_000;

  /** Providers asked by /v1/search when the caller names none (disabled ones are skipped). */
  @IsString()
  @Matches(/^[a-z,]*$/, { message: 'must be a comma-separated list of provider names' })
  CATALOG_SEARCH_PROVIDERS = 'musicbrainz,deezer,itunes,spotify';

  /** Two search hits with the same normalized title and artist are one if durations differ by at most this. */
  @IntSetting(0, 60_000)
  CATALOG_MATCH_DURATION_TOLERANCE_MS = 3_000;

  /**
   * Whether catalog entity writes wait for PostgreSQL's WAL flush. They are copies of provider data, so by default
   * they commit asynchronously: a PostgreSQL crash (not a Chorus one, nor a clean restart) can lose the last
   * fraction of a second of them, which are then fetched again once. Accounts and libraries always wait.
   */
  @BooleanSetting()
  CATALOG_SYNCHRONOUS_COMMIT = false;

  /** Largest cover image Chorus relays. */
  @IntSetting(1_024, 50 * 1024 * 1024)
  CATALOG_COVER_MAX_BYTES = 10 * 1024 * 1024;
}

export const catalogSettings = defineSettings('catalog', CatalogSettings);
