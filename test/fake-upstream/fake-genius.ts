import { type FixtureStore, slug } from './fixture.store';
import type { FakeAnswer, FakeRequest } from './fake-upstream.routes';

/** The token the test settings give Chorus (test/support/upstream-env.ts); any other is refused as Genius does. */
export const FAKE_GENIUS_TOKEN = 'fake-genius-token';

type Json = Record<string, unknown>;

/** Genius's error bodies carry only `meta` (recorded: test/fixtures/genius/recorded/error-404-song-not-found.json). */
const geniusError = (status: number, message: string): FakeAnswer => ({ status, body: { meta: { status, message } } });
const envelope = (response: unknown): FakeAnswer => ({ status: 200, body: { meta: { status: 200 }, response } });

const obj = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
const words = (text: unknown): string[] => (typeof text === 'string' ? slug(text).split('-').filter(Boolean) : []);

/** How many hits one search answers; Genius's own default page. */
const SEARCH_PAGE = 10;
/** `per_page` when none is asked, and the most Genius gives in one page of referents. */
const REFERENTS_DEFAULT_PAGE = 20;
const REFERENTS_MAX_PAGE = 50;

/**
 * `/search?q=`: the recorded answer for that text (`genius/search/<slug>.json`) when there is one; otherwise,
 * as Genius's search is fuzzy, every recorded hit whose title or primary artist shares a word with the text,
 * those sharing the most first. A search never answers "nothing found" while any word is near something.
 */
function search(store: FixtureStore, q: string): FakeAnswer {
  const recorded = store.read(`genius/search/${slug(q)}.json`);
  if (recorded !== undefined) {
    return { status: 200, body: recorded };
  }
  const asked = new Set(words(q));
  const seen = new Set<unknown>();
  const scored: Array<{ hit: unknown; score: number }> = [];
  for (const file of store.all('genius/search')) {
    for (const hit of list(obj(obj(file).response).hits)) {
      const result = obj(obj(hit).result);
      const score = [...words(result.title), ...words(obj(result.primary_artist).name)].filter((w) =>
        asked.has(w),
      ).length;
      if (score > 0 && !seen.has(result.id)) {
        seen.add(result.id);
        scored.push({ hit, score });
      }
    }
  }
  scored.sort((a, b) => b.score - a.score);
  return envelope({ hits: scored.slice(0, SEARCH_PAGE).map((entry) => entry.hit) });
}

/** `/referents?song_id=&per_page=&page=`: one page of the song's referents; no `next_page`, a short page ends. */
function referents(store: FixtureStore, query: URLSearchParams): FakeAnswer {
  const file = obj(store.read(`genius/referents/${query.get('song_id') ?? ''}.json`));
  const all = list(obj(file.response).referents);
  const perPage = Math.min(Number(query.get('per_page') ?? REFERENTS_DEFAULT_PAGE) || 1, REFERENTS_MAX_PAGE);
  const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  return envelope({ referents: all.slice((page - 1) * perPage, page * perPage) });
}

/**
 * api.genius.com as it answers: recorded bodies in `genius/` (each the whole `{ meta, response }`), a fuzzy
 * search, paged referents, 404 `{ meta }` for an unknown song, and 401 for a wrong or missing Bearer token.
 */
export function genius(store: FixtureStore, req: FakeRequest): FakeAnswer {
  if (req.headers.authorization !== `Bearer ${FAKE_GENIUS_TOKEN}`) {
    return geniusError(401, 'This call requires an access_token. Please see: https://genius.com/developers');
  }
  if (req.path === '/search') {
    return search(store, req.query.get('q') ?? '');
  }
  if (req.path === '/referents') {
    return referents(store, req.query);
  }
  const song = /^\/songs\/(\d+)$/.exec(req.path);
  const body = song ? store.read(`genius/songs/${song[1]}.json`) : undefined;
  return body === undefined ? geniusError(404, '404 Not Found') : { status: 200, body };
}
