import { DomainError } from '@app/core';

export type EntityKind = 'artist' | 'album' | 'release' | 'track';
export type SourceProvider = 'musicbrainz' | 'deezer' | 'itunes' | 'spotify';

export interface CatalogId {
  provider: SourceProvider;
  nativeId: string;
}

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NATIVE: Record<SourceProvider, RegExp> = {
  musicbrainz: MBID,
  deezer: /^\d{1,19}$/,
  itunes: /^\d{1,19}$/,
  spotify: /^[0-9A-Za-z]{22}$/,
};

/** Which kinds each provider has ids for (releases are a MusicBrainz notion). */
const KINDS: Record<SourceProvider, readonly EntityKind[]> = {
  musicbrainz: ['artist', 'album', 'release', 'track'],
  deezer: ['artist', 'album', 'track'],
  itunes: ['artist', 'album', 'track'],
  spotify: ['artist', 'album', 'track'],
};

export const ID_FORMS =
  'musicbrainz:<mbid>, a bare MBID, deezer:<digits>, itunes:<digits> or spotify:<22 base62 chars>';

/** Parses a public id (`deezer:3135556`, `musicbrainz:<mbid>` or a bare MBID) for one kind of entity. */
export function parseCatalogId(raw: string, kind: EntityKind, field = 'id'): CatalogId {
  const text = raw.trim();
  const colon = text.indexOf(':');
  const provider = (colon < 0 ? 'musicbrainz' : text.slice(0, colon).toLowerCase()) as SourceProvider;
  const nativeId = colon < 0 ? text : text.slice(colon + 1);
  const pattern = NATIVE[provider] as RegExp | undefined;
  if (!pattern || !pattern.test(nativeId)) {
    throw DomainError.invalid(field, `must be ${ID_FORMS}`);
  }
  if (!KINDS[provider].includes(kind)) {
    throw DomainError.invalid(field, `${provider} has no ${kind} ids`);
  }
  return { provider, nativeId: provider === 'musicbrainz' ? nativeId.toLowerCase() : nativeId };
}

/** The read path's key of an entity looked up by its public id (cache, single flight and "not found" key). */
export function entityKey(kind: EntityKind, publicId: string): string {
  return `${kind}:${publicId}`;
}

export function formatCatalogId(id: CatalogId): string {
  return `${id.provider}:${id.nativeId}`;
}

/** Splits a namespaced id that a provider produced (trusted input). */
export function splitNamespacedId(id: string): CatalogId {
  const colon = id.indexOf(':');
  return { provider: id.slice(0, colon) as SourceProvider, nativeId: id.slice(colon + 1) };
}

const ISRC = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;

export function parseIsrc(raw: string): string {
  const isrc = raw.trim().toUpperCase().replaceAll('-', '');
  if (!ISRC.test(isrc)) {
    throw DomainError.invalid('isrc', 'must be an ISRC: 2 letters, 3 alphanumerics, 7 digits (e.g. GBDUW0000059)');
  }
  return isrc;
}
