import type { SearchItem, SearchType } from '../application/provider.gateway';
import { mergeWindows, type SearchHit } from './search-merge';
import { providerOrder, rankHits } from './search-rank';

/** Deepest page start a search answers: deeper pages cost every provider many calls for little use. */
export const MAX_SEARCH_OFFSET = 1_000;

/** Each provider is read at least this deep on a first question, so the next page rarely asks again. */
export const MIN_SEARCH_DEPTH = 10;

/** How far one provider's ranked list has been read for a query. */
export interface ProviderCursor {
  provider: string;
  /** Positions 0..fetched-1 of the provider's list have been read. */
  fetched: number;
  /** What the provider says it has; an estimate for most providers, absent when it says nothing (iTunes). */
  total?: number;
  exhausted: boolean;
  /** The best score the provider gave (providers that score), which scales its scores to 0-100. */
  maxScore?: number;
}

/**
 * One query's merged, ranked list as read so far. Pages are slices of it, so page 2 follows page 1 with no
 * repeat or gap while the list is kept; reading deeper appends (ranked among the new items only) and never
 * reorders what a page already showed.
 */
export interface SearchList {
  items: SearchHit[];
  cursors: ProviderCursor[];
}

/** One provider's answer to a window request. */
export interface WindowResult {
  provider: string;
  offset: number;
  limit: number;
  items: SearchItem[];
  total?: number;
}

export interface WindowRequest {
  provider: string;
  offset: number;
  limit: number;
}

export interface SearchSlice {
  items: SearchHit[];
  /** Exact: every provider's list was read to its end. */
  total?: number;
  /** Otherwise: the providers' own totals, less the share that merged into one hit so far. */
  estimatedTotal?: number;
}

export function emptySearchList(providers: readonly string[]): SearchList {
  return { items: [], cursors: providers.map((provider) => ({ provider, fetched: 0, exhausted: false })) };
}

/** How many merged items a page needs read, at least MIN_SEARCH_DEPTH. */
export function searchDepth(offset: number, limit: number): number {
  return Math.max(offset + limit, MIN_SEARCH_DEPTH);
}

/** Whether the list answers a page ending at `depth`: it holds that many items, or every provider is read out. */
export function coversDepth(list: SearchList, depth: number): boolean {
  return list.items.length >= depth || list.cursors.every((cursor) => cursor.exhausted);
}

/**
 * The next window to ask each provider that has more, or none when the list already covers `depth` items.
 * `pageMax` is the most a provider answers in one call.
 */
export function nextWindows(list: SearchList, depth: number, pageMax: (provider: string) => number): WindowRequest[] {
  const missing = depth - list.items.length;
  if (coversDepth(list, depth)) {
    return [];
  }
  return list.cursors
    .filter((cursor) => !cursor.exhausted)
    .map((cursor) => ({
      provider: cursor.provider,
      offset: cursor.fetched,
      limit: Math.min(pageMax(cursor.provider), Math.max(missing, MIN_SEARCH_DEPTH)),
    }));
}

function advance(cursor: ProviderCursor, result: WindowResult | undefined): ProviderCursor {
  if (!result) {
    return cursor;
  }
  const fetched = cursor.fetched + result.items.length;
  const scores = result.items.map((item) => item.score).filter((score): score is number => score !== undefined);
  const maxScore = scores.length > 0 ? Math.max(cursor.maxScore ?? 0, ...scores) : cursor.maxScore;
  const total = result.total ?? cursor.total;
  const exhausted = result.items.length < result.limit || (total !== undefined && fetched >= total);
  return { ...cursor, fetched, total, exhausted, maxScore };
}

/** The list with the providers' new windows merged in: twins of known hits fold into them, the rest is appended. */
export function extendSearchList(
  list: SearchList,
  type: SearchType,
  query: string,
  results: readonly WindowResult[],
  toleranceMs: number,
): SearchList {
  const next: SearchList = structuredClone(list);
  next.cursors = next.cursors.map((cursor) =>
    advance(
      cursor,
      results.find((r) => r.provider === cursor.provider),
    ),
  );
  const windows = results.map((result) => ({
    provider: result.provider,
    items: result.items,
    offset: result.offset,
    maxScore: next.cursors.find((cursor) => cursor.provider === result.provider)?.maxScore,
  }));
  const added = mergeWindows(type, windows, toleranceMs, next.items, providerOrder);
  next.items.push(...rankHits(added, query));
  return next;
}

export function sliceSearchList(list: SearchList, offset: number, limit: number): SearchSlice {
  const items = list.items.slice(offset, offset + limit);
  if (list.cursors.every((cursor) => cursor.exhausted)) {
    return { items, total: list.items.length };
  }
  const fetched = list.cursors.reduce((sum, cursor) => sum + cursor.fetched, 0);
  const claimed = list.cursors.reduce((sum, cursor) => sum + (cursor.total ?? cursor.fetched), 0);
  const estimate = fetched === 0 ? 0 : Math.round((claimed * list.items.length) / fetched);
  return { items, estimatedTotal: Math.max(list.items.length, estimate) };
}
