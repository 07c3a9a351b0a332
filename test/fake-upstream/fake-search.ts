/**
 * Search answers as the providers page them. A fixture holds a provider's whole ranked answer for one query
 * (`<provider>/search/<type>/<slug>.json`, in the provider's own shape, scores and near misses included); each
 * request gets the slice its paging parameters ask for, with the provider's own count fields.
 */

type Json = Record<string, unknown>;

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asObject = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});

function param(query: URLSearchParams, name: string, fallback: number): number {
  const value = Number(query.get(name) ?? fallback);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** MusicBrainz: `offset`, `limit` (default 25); `count` is the whole result's size. */
export function musicbrainzPage(body: unknown, listKey: string, query: URLSearchParams): Json {
  const all = asList(asObject(body)[listKey]);
  const offset = param(query, 'offset', 0);
  const limit = param(query, 'limit', 25);
  const count = Number(asObject(body).count ?? all.length);
  return { ...asObject(body), count, offset, [listKey]: all.slice(offset, offset + limit) };
}

/** Deezer: `index`, `limit` (default 25); `total`, and `next` while more remain. */
export function deezerPage(body: unknown, query: URLSearchParams, url: string): Json {
  const all = asList(asObject(body).data);
  const index = param(query, 'index', 0);
  const limit = param(query, 'limit', 25);
  const total = Number(asObject(body).total ?? all.length);
  const more = index + limit < Math.min(total, all.length);
  return { data: all.slice(index, index + limit), total, ...(more ? { next: `${url}&index=${index + limit}` } : {}) };
}

/** iTunes: no offset, `limit` (default 50); `resultCount` counts this answer only. */
export function itunesPage(body: unknown, query: URLSearchParams): Json {
  const results = asList(asObject(body).results).slice(0, param(query, 'limit', 50));
  return { resultCount: results.length, results };
}

/** Spotify: `offset`, `limit` (default 20) inside `{ <type>s: { items, total, … } }`. */
export function spotifyPage(body: unknown, type: string, query: URLSearchParams): Json {
  const page = asObject(asObject(body)[`${type}s`]);
  const all = asList(page.items);
  const offset = param(query, 'offset', 0);
  const limit = param(query, 'limit', 20);
  const total = Number(page.total ?? all.length);
  return {
    [`${type}s`]: {
      ...page,
      items: all.slice(offset, offset + limit),
      total,
      offset,
      limit,
      previous: null,
      next: null,
    },
  };
}
