import type { Album, Artist, ArtistCredit, ExternalIds, Image, Release, Track } from '@app/providers';
import type { SearchItem, SearchType } from '../application/provider.gateway';
import { providerRelevance } from './search-rank';
import { creditLine, normalizeText } from './text';

export interface SearchHit {
  id: string;
  type: SearchType;
  title: string;
  /** Tells same-named entities apart (MusicBrainz's disambiguation comment), when a provider gives one. */
  disambiguation?: string;
  artistCredit: ArtistCredit[];
  durationMs?: number;
  releaseDate?: string;
  externalIds: ExternalIds;
  ids: string[];
  sources: string[];
  /** Relevance 0-100: the best of each source's own relevance, normalized per provider (search-rank.ts). */
  score: number;
  images: Image[];
  previewUrl?: string;
}

/** One provider's slice of its own ranked list: items from position `offset` on. */
export interface ProviderWindow {
  provider: string;
  items: SearchItem[];
  offset: number;
  /** The best score this provider gave for the query (providers that score); scales its scores to 0-100. */
  maxScore?: number;
}

type ProviderKey = 'musicbrainz' | 'deezer' | 'itunes' | 'spotify';
const PROVIDER_KEYS: readonly ProviderKey[] = ['musicbrainz', 'deezer', 'itunes', 'spotify'];

export { creditLine, normalizeText } from './text';

function ownId(hit: SearchHit, id: string): void {
  const provider = id.slice(0, id.indexOf(':'));
  if ((PROVIDER_KEYS as readonly string[]).includes(provider)) {
    hit.externalIds[provider as ProviderKey] ??= id.slice(id.indexOf(':') + 1);
  }
}

function toHit(type: SearchType, item: SearchItem, provider: string, score: number): SearchHit {
  const hit: SearchHit = {
    id: item.id,
    type,
    title: '',
    artistCredit: [],
    disambiguation: item.disambiguation || undefined,
    externalIds: { ...item.externalIds },
    ids: [item.id],
    sources: [provider],
    score,
    images: item.images,
  };
  ownId(hit, item.id);
  if (type === 'artist') {
    return { ...hit, title: (item as Artist).name };
  }
  if (type === 'album') {
    const album = item as Album;
    return { ...hit, title: album.title, artistCredit: album.artistCredit, releaseDate: album.firstReleaseDate };
  }
  if (type === 'release') {
    // Deezer, iTunes and Spotify albums are concrete releases (one UPC each): they answer as releases.
    const release = item as Release | Album;
    const date = 'date' in release ? release.date : (release as Album).firstReleaseDate;
    const barcode = 'barcode' in release ? release.barcode : undefined;
    const externalIds = { ...hit.externalIds, barcode: hit.externalIds.barcode ?? barcode };
    return { ...hit, title: release.title, artistCredit: release.artistCredit, releaseDate: date, externalIds };
  }
  const track = item as Track;
  return {
    ...hit,
    title: track.title,
    artistCredit: track.artistCredit,
    durationMs: track.durationMs,
    releaseDate: track.firstReleaseDate,
    previewUrl: track.previewUrl,
    externalIds: { ...hit.externalIds, isrcs: [...new Set([...(track.externalIds.isrcs ?? []), ...track.isrcs])] },
  };
}

/** Evidence beyond the name: a shared provider id (MBID included), ISRC or barcode. */
export function sameCode(a: SearchHit, b: SearchHit): boolean {
  if (PROVIDER_KEYS.some((key) => a.externalIds[key] !== undefined && a.externalIds[key] === b.externalIds[key])) {
    return true;
  }
  const isrcs = new Set(a.externalIds.isrcs ?? []);
  if ((b.externalIds.isrcs ?? []).some((isrc) => isrcs.has(isrc))) {
    return true;
  }
  return Boolean(a.externalIds.barcode) && a.externalIds.barcode === b.externalIds.barcode;
}

function sameMetadata(a: SearchHit, b: SearchHit, toleranceMs: number): boolean {
  // A name alone says nothing about an artist: two bands called Nirvana are two bands.
  if (a.type === 'artist' || normalizeText(a.title) !== normalizeText(b.title)) {
    return false;
  }
  if (normalizeText(creditLine(a.artistCredit)) !== normalizeText(creditLine(b.artistCredit))) {
    return false;
  }
  if (a.type === 'track') {
    return (
      a.durationMs !== undefined && b.durationMs !== undefined && Math.abs(a.durationMs - b.durationMs) <= toleranceMs
    );
  }
  // Releases of one album differ by barcode; without one, title and credit are all there is.
  return a.type !== 'release' || !a.externalIds.barcode || !b.externalIds.barcode;
}

function absorb(into: SearchHit, other: SearchHit): void {
  into.ids = [...new Set([...into.ids, ...other.ids])];
  into.sources = [...new Set([...into.sources, ...other.sources])];
  into.score = Math.max(into.score, other.score);
  into.externalIds = {
    ...other.externalIds,
    ...into.externalIds,
    isrcs: [...new Set([...(into.externalIds.isrcs ?? []), ...(other.externalIds.isrcs ?? [])])],
  };
  if (into.externalIds.isrcs?.length === 0) {
    delete into.externalIds.isrcs;
  }
  into.disambiguation ??= other.disambiguation;
  into.previewUrl ??= other.previewUrl;
  into.durationMs ??= other.durationMs;
  into.images = into.images.length > 0 ? into.images : other.images;
  other.ids.forEach((id) => ownId(into, id));
}

/**
 * Folds provider windows into hits: the same entity (a shared id, ISRC or barcode; for albums, releases and
 * tracks also the same normalized title + artist, and duration within tolerance) appears once with all its ids
 * and sources. `known` hits (an earlier page's) absorb their twins in place; what is new is returned, unranked,
 * MusicBrainz's first so the kept id is MusicBrainz's when known.
 */
export function mergeWindows(
  type: SearchType,
  windows: readonly ProviderWindow[],
  toleranceMs: number,
  known: readonly SearchHit[] = [],
  order: (provider: string) => number = () => 0,
): SearchHit[] {
  const added: SearchHit[] = [];
  const ordered = [...windows].sort((a, b) => order(a.provider) - order(b.provider));
  for (const window of ordered) {
    window.items.forEach((item, index) => {
      const score = providerRelevance(window.offset + index, item.score, window.maxScore);
      const hit = toHit(type, item, window.provider, score);
      const twin =
        known.find((k) => sameCode(k, hit) || sameMetadata(k, hit, toleranceMs)) ??
        added.find((a) => sameCode(a, hit) || sameMetadata(a, hit, toleranceMs));
      if (twin) {
        absorb(twin, hit);
      } else {
        added.push(hit);
      }
    });
  }
  return added;
}
