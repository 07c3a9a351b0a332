import { intValue, type SettingMapSpec } from '@app/core';

const DAY = 86_400;

export type TtlKind = 'entity' | 'search' | 'lyrics' | 'coverArt' | 'links' | 'genius' | 'notFound' | 'miss';

/** How long each kind of answer is fresh, in seconds, unless CATALOG_TTL_SECONDS says otherwise. */
export const DEFAULT_TTLS: Readonly<Record<TtlKind, number>> = {
  /** Artists, albums, releases and tracks. */
  entity: 7 * DAY,
  /** A search answer, and an artist's album list. */
  search: 3_600,
  lyrics: 30 * DAY,
  coverArt: 7 * DAY,
  /** Cross-platform matches of a track. */
  links: 7 * DAY,
  /** A track's Genius song and its annotations (annotations are edited and voted on). */
  genius: 7 * DAY,
  /** How long a provider's "not found" is believed. */
  notFound: 3_600,
  /** How long a remembered "not found", once read from PostgreSQL, is kept in the caches in front of it. */
  miss: 60,
};

export const TTL_MAP: SettingMapSpec<TtlKind, number> = {
  keyNoun: 'kind',
  keys: Object.keys(DEFAULT_TTLS) as TtlKind[],
  parseValue: intValue(1, 365 * DAY),
};
