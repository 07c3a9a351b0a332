import type { Album, Artist, ArtistCredit, ExternalIds, Image, Track } from '@app/providers';
import type { SearchItem, SearchType } from '../application/provider.gateway';

export interface SearchHit {
  id: string;
  type: SearchType;
  title: string;
  artistCredit: ArtistCredit[];
  durationMs?: number;
  releaseDate?: string;
  externalIds: ExternalIds;
  ids: string[];
  sources: string[];
  score: number;
  images: Image[];
  previewUrl?: string;
}

export interface ProviderResults {
  provider: string;
  items: SearchItem[];
}

const PROVIDER_RANK: Record<string, number> = { musicbrainz: 0, deezer: 1, itunes: 2, spotify: 3 };

/** Lower-case, strip accents, bracketed qualifiers and punctuation: "Harder, Better (Remastered)" → "harder better". */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s*[([].*?[)\]]\s*/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The artist credit as printed: "Lady Gaga & Bruno Mars". */
export function creditLine(credits: ArtistCredit[]): string {
  return credits.map((c) => c.name + c.joinPhrase).join('');
}

function toHit(type: SearchType, item: SearchItem, provider: string, rank: number, count: number): SearchHit {
  const provided = item.score;
  // Providers without relevance scores are scored by their own rank order.
  const score = provided ?? Math.round(100 * (1 - rank / Math.max(count, 1)));
  const common = {
    id: item.id,
    type,
    externalIds: { ...item.externalIds },
    ids: [item.id],
    sources: [provider],
    score,
    images: item.images,
  };
  if (type === 'artist') {
    return { ...common, title: (item as Artist).name, artistCredit: [] };
  }
  if (type === 'album') {
    const album = item as Album;
    return { ...common, title: album.title, artistCredit: album.artistCredit, releaseDate: album.firstReleaseDate };
  }
  const track = item as Track;
  return {
    ...common,
    title: track.title,
    artistCredit: track.artistCredit,
    durationMs: track.durationMs,
    releaseDate: track.firstReleaseDate,
    previewUrl: track.previewUrl,
    externalIds: { ...track.externalIds, isrcs: [...new Set([...(track.externalIds.isrcs ?? []), ...track.isrcs])] },
  };
}

function sameCode(a: SearchHit, b: SearchHit): boolean {
  if (a.externalIds.musicbrainz && a.externalIds.musicbrainz === b.externalIds.musicbrainz) {
    return true;
  }
  const isrcs = new Set(a.externalIds.isrcs ?? []);
  if ((b.externalIds.isrcs ?? []).some((isrc) => isrcs.has(isrc))) {
    return true;
  }
  return Boolean(a.externalIds.barcode) && a.externalIds.barcode === b.externalIds.barcode;
}

function sameMetadata(a: SearchHit, b: SearchHit, toleranceMs: number): boolean {
  if (normalizeText(a.title) !== normalizeText(b.title)) {
    return false;
  }
  if (a.type !== 'artist' && normalizeText(creditLine(a.artistCredit)) !== normalizeText(creditLine(b.artistCredit))) {
    return false;
  }
  if (a.type === 'track') {
    return (
      a.durationMs !== undefined && b.durationMs !== undefined && Math.abs(a.durationMs - b.durationMs) <= toleranceMs
    );
  }
  return true;
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
  into.previewUrl ??= other.previewUrl;
  into.durationMs ??= other.durationMs;
  into.images = into.images.length > 0 ? into.images : other.images;
  for (const id of other.ids) {
    const provider = id.slice(0, id.indexOf(':')) as keyof ExternalIds;
    if (provider !== 'isrcs' && provider !== 'barcode') {
      into.externalIds[provider] ??= id.slice(id.indexOf(':') + 1);
    }
  }
}

/**
 * One list from every provider's answer: the same entity (same MBID, ISRC or barcode, or the same normalized
 * title + artist + duration within tolerance) appears once with all its ids and sources; ordered by score,
 * MusicBrainz first on ties. Providers are merged in rank order, so the kept id is MusicBrainz's when known.
 */
export function mergeSearchResults(type: SearchType, results: ProviderResults[], toleranceMs: number): SearchHit[] {
  const ordered = [...results].sort((a, b) => (PROVIDER_RANK[a.provider] ?? 9) - (PROVIDER_RANK[b.provider] ?? 9));
  const merged: SearchHit[] = [];
  for (const { provider, items } of ordered) {
    items.forEach((item, rank) => {
      const hit = toHit(type, item, provider, rank, items.length);
      for (const id of hit.ids) {
        const own = id.slice(0, id.indexOf(':')) as keyof ExternalIds;
        if (own !== 'isrcs' && own !== 'barcode') {
          hit.externalIds[own] ??= id.slice(id.indexOf(':') + 1);
        }
      }
      const twin = merged.find((m) => sameCode(m, hit) || sameMetadata(m, hit, toleranceMs));
      if (twin) {
        absorb(twin, hit);
      } else {
        merged.push(hit);
      }
    });
  }
  const firstSource = (hit: SearchHit) => PROVIDER_RANK[hit.sources[0]] ?? 9;
  return merged
    .map((hit, order) => ({ hit, order }))
    .sort((a, b) => b.hit.score - a.hit.score || firstSource(a.hit) - firstSource(b.hit) || a.order - b.order)
    .map(({ hit }) => hit);
}
