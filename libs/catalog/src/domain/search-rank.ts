import type { SearchHit } from './search-merge';
import { creditLine, normalizeText } from './text';

/** MusicBrainz first on ties: it carries the ids every other provider is cross-linked through. */
export const PROVIDER_ORDER: Readonly<Record<string, number>> = { musicbrainz: 0, deezer: 1, itunes: 2, spotify: 3 };

export function providerOrder(provider: string): number {
  return PROVIDER_ORDER[provider] ?? 9;
}

/**
 * One provider's relevance for an item, 0-100, comparable across providers. Providers that score (MusicBrainz)
 * are scaled by the best score in their own list, so their top hit is 100 like everyone else's. Providers that
 * only order (Deezer, iTunes, Spotify) are scored by position with a decay that does not depend on how deep the
 * list was read, so a later page's items score as they would have on the first.
 */
export function providerRelevance(rank: number, score: number | undefined, maxScore: number | undefined): number {
  if (score !== undefined && maxScore !== undefined && maxScore > 0) {
    return Math.round((100 * Math.min(score, maxScore)) / maxScore);
  }
  return Math.round(100 / (1 + rank / 10));
}

/**
 * Whether a hit is exactly what was typed: its normalized name or title, or "artist title" / "title artist"
 * for albums and tracks, equals the normalized query.
 */
export function isExactMatch(hit: Pick<SearchHit, 'title' | 'artistCredit'>, normalizedQuery: string): boolean {
  const title = normalizeText(hit.title);
  if (title === normalizedQuery) {
    return true;
  }
  const artist = normalizeText(creditLine(hit.artistCredit));
  return artist !== '' && (`${artist} ${title}` === normalizedQuery || `${title} ${artist}` === normalizedQuery);
}

/**
 * Relevance order across providers: exact normalized-name match first, then the best per-provider relevance,
 * then how many providers agree, then MusicBrainz first; the incoming order breaks what is left.
 */
export function rankHits(hits: readonly SearchHit[], query: string): SearchHit[] {
  const normalizedQuery = normalizeText(query);
  return hits
    .map((hit, order) => ({ hit, order, exact: isExactMatch(hit, normalizedQuery) }))
    .sort(
      (a, b) =>
        Number(b.exact) - Number(a.exact) ||
        b.hit.score - a.hit.score ||
        b.hit.sources.length - a.hit.sources.length ||
        firstProvider(a.hit) - firstProvider(b.hit) ||
        a.order - b.order,
    )
    .map(({ hit }) => hit);
}

function firstProvider(hit: SearchHit): number {
  return Math.min(...hit.sources.map(providerOrder));
}
