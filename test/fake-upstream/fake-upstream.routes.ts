import { createHash } from 'node:crypto';
import { type FixtureStore, slug } from './fixture.store';
import { lrclibGet, lrclibSearch } from './fake-lrclib';
import { deezerPage, itunesPage, musicbrainzPage, spotifyPage } from './fake-search';
import { idSearchTerms, musicbrainzIdSearch } from './fake-mb-id-search';
import { answerInc } from './fake-mb-inc';
import { generatedDeezerPlaylist } from './fake-playlists';

export interface FakeAnswer {
  status: number;
  body: unknown;
  contentType?: string;
  /** Extra headers; `{{upstream}}` in a value is the fake's base URL (a redirect's Location). */
  headers?: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  /** Path inside the provider's prefix, e.g. `/ws/2/artist/<mbid>`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

type Route = (store: FixtureStore, req: FakeRequest) => FakeAnswer;

const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

// Each provider's own "not found" answer.
const MB_NOT_FOUND = { error: 'Not Found', help: 'For usage, please see: https://musicbrainz.org/development/mmd' };
const DEEZER_NO_DATA = { error: { type: 'DataException', message: 'no data', code: 800 } };
const LRCLIB_NOT_FOUND = { code: 404, name: 'TrackNotFound', message: 'Failed to find specified track' };
const SPOTIFY_NOT_FOUND = { error: { status: 404, message: 'Resource not found' } };

function fileOr(store: FixtureStore, file: string, missing: FakeAnswer): FakeAnswer {
  const body = store.read(file);
  return body === undefined ? missing : ok(body);
}

function musicbrainz(store: FixtureStore, req: FakeRequest): FakeAnswer {
  const notFound = { status: 404, body: MB_NOT_FOUND };
  const [, ws, version, entity, id] = req.path.split('/');
  if (ws !== 'ws' || version !== '2' || !entity) {
    return notFound;
  }
  if (entity === 'isrc' && id) {
    const recordings = store.all('musicbrainz/recording').filter((r) => {
      const isrcs = field(r, 'isrcs');
      return Array.isArray(isrcs) && isrcs.includes(id);
    });
    return recordings.length > 0 ? ok({ isrc: id, recordings }) : notFound;
  }
  if (id) {
    const answer = fileOr(store, `musicbrainz/${entity}/${id}.json`, notFound);
    return answer.status === 200 ? ok(answerInc(answer.body, req.query.get('inc'))) : answer;
  }
  const query = req.query.get('query') ?? '';
  const ids = idSearchTerms(entity, query);
  if (ids) {
    return ok(musicbrainzPage(musicbrainzIdSearch(store, entity, ids), `${entity}s`, req.query));
  }
  const found = query.startsWith('barcode:')
    ? barcodeSearch(store, query)
    : store.read(`musicbrainz/search/${entity}/${slug(query)}.json`);
  const page = found ?? { created: new Date().toISOString(), count: 0, offset: 0, [`${entity}s`]: [] };
  return ok(musicbrainzPage(page, `${entity}s`, req.query));
}

/**
 * `barcode:724384960650` or `barcode:(A OR B)`: the releases carrying one of the codes; else, like the real
 * search (a Lucene query, not a lookup), whatever near miss `search/release/barcode-<first code>.json` holds.
 */
function barcodeSearch(store: FixtureStore, query: string): unknown {
  const codes: string[] = query.match(/\d{6,14}/g) ?? [];
  const items = store.all('musicbrainz/release').filter((r) => codes.includes(String(field(r, 'barcode'))));
  if (items.length > 0) {
    return { count: items.length, offset: 0, releases: items };
  }
  return store.read(`musicbrainz/search/release/barcode-${codes[0] ?? ''}.json`);
}

export { FAKE_IMAGE_BYTES } from './fake-images';

function coverartarchive(store: FixtureStore, req: FakeRequest): FakeAnswer {
  const [, kind, id, file] = req.path.split('/');
  const missing = { status: 404, body: 'Not Found', contentType: 'text/plain' };
  if (kind === 'release' && id && file?.endsWith('.jpg')) {
    // As coverartarchive.org does: the bytes are on archive.org, in the release's item.
    const location = `{{upstream}}/archive/download/mbid-${id}/mbid-${id}-${file}`;
    return { status: 307, body: '', contentType: 'text/plain', headers: { location } };
  }
  return kind && id ? fileOr(store, `coverartarchive/${kind}/${id}.json`, missing) : missing;
}

function lrclib(store: FixtureStore, req: FakeRequest): FakeAnswer {
  const notFound = { status: 404, body: LRCLIB_NOT_FOUND };
  const byId = /^\/api\/get\/(\d+)$/.exec(req.path);
  if (byId) {
    const found = store.all('lrclib/get').find((item) => String(field(item, 'id')) === byId[1]);
    return found ? ok(found) : notFound;
  }
  if (req.path === '/api/get') {
    const found = lrclibGet(store.all('lrclib/get'), req.query);
    return found ? ok(found) : notFound;
  }
  if (req.path === '/api/search') {
    const text = req.query.get('q') ?? req.query.get('track_name') ?? '';
    return ok(lrclibSearch(store.all('lrclib/get'), store.read(`lrclib/search/${slug(text)}.json`), req.query));
  }
  return notFound;
}

/** A slice of a fixture's list, as a paged playlist-tracks answer (`<id>-tracks.json` holds every entry). */
function slice(body: unknown, key: string, offset: number, limit: number): { items: unknown[]; more: boolean } {
  const all = field(body, key);
  const list = Array.isArray(all) ? all : [];
  return { items: list.slice(offset, offset + limit), more: offset + limit < list.length };
}

function pageParam(req: FakeRequest, name: string, fallback: number): number {
  const value = Number(req.query.get(name) ?? fallback);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** `/playlist/<id>/tracks?index=&limit=`: `{ data, total, next? }`. */
function deezerPlaylistTracks(store: FixtureStore, req: FakeRequest, id: string): FakeAnswer {
  const body = store.read(`deezer/playlist/${id}-tracks.json`) ?? generatedDeezerPlaylist(store, id, 'tracks');
  if (body === undefined) {
    return ok(DEEZER_NO_DATA);
  }
  const index = pageParam(req, 'index', 0);
  const limit = pageParam(req, 'limit', 25);
  const page = slice(body, 'data', index, limit);
  const next = page.more ? { next: `https://api.deezer.com/playlist/${id}/tracks?index=${index + limit}` } : {};
  return ok({ data: page.items, total: field(body, 'total'), ...next });
}

/**
 * `/artist/<id>/related` and `/artist/<id>/top?limit=`: `{ data, total, next? }` from `artist-<sub>/<id>.json`;
 * an artist without that file gets Deezer's "no data".
 */
function deezerArtistList(store: FixtureStore, req: FakeRequest, id: string, sub: 'related' | 'top'): FakeAnswer {
  const body = store.read(`deezer/artist-${sub}/${id}.json`);
  if (body === undefined) {
    return ok(DEEZER_NO_DATA);
  }
  const limit = pageParam(req, 'limit', sub === 'top' ? 5 : 25);
  return ok(deezerPage(body, req.query, `https://api.deezer.com/artist/${id}/${sub}?limit=${limit}`));
}

function deezer(store: FixtureStore, req: FakeRequest): FakeAnswer {
  const noData = ok(DEEZER_NO_DATA);
  const [, kind, id, sub] = req.path.split('/');
  if (kind === 'playlist' && id && sub === 'tracks') {
    return deezerPlaylistTracks(store, req, id);
  }
  if (kind === 'artist' && id && (sub === 'related' || sub === 'top')) {
    return deezerArtistList(store, req, id, sub);
  }
  if (kind === 'search') {
    const type = id ?? 'track';
    const q = req.query.get('q') ?? '';
    const body = store.read(`deezer/search/${type}/${slug(q)}.json`) ?? { data: [], total: 0 };
    return ok(deezerPage(body, req.query, `https://api.deezer.com/search/${type}?q=${encodeURIComponent(q)}`));
  }
  if (!kind || !id) {
    return noData;
  }
  const generated = kind === 'playlist' ? generatedDeezerPlaylist(store, id, 'head') : undefined;
  if (generated) {
    return ok(generated);
  }
  const code = /^(isrc|upc):(\w+)$/.exec(id);
  if (code) {
    const found = store.all(`deezer/${kind}`).find((item) => String(field(item, code[1])) === code[2]);
    return found ? ok(found) : noData;
  }
  return fileOr(store, `deezer/${kind}/${id}.json`, noData);
}

function itunes(store: FixtureStore, req: FakeRequest): FakeAnswer {
  const empty = { resultCount: 0, results: [] };
  if (req.path === '/search') {
    const entity = req.query.get('entity') ?? 'all';
    return ok(
      itunesPage(store.read(`itunes/search/${entity}/${slug(req.query.get('term') ?? '')}.json`) ?? empty, req.query),
    );
  }
  if (req.path === '/lookup') {
    const id = req.query.get('id');
    const upc = req.query.get('upc');
    const file = id ? `itunes/lookup/id-${id}.json` : `itunes/lookup/upc-${upc ?? ''}.json`;
    return ok(store.read(file) ?? empty);
  }
  return { status: 404, body: empty };
}

/** `/v1/playlists/<id>/tracks?offset=&limit=`: `{ items, total, offset, limit, next }`. */
function spotifyPlaylistTracks(store: FixtureStore, req: FakeRequest, id: string): FakeAnswer {
  const body = store.read(`spotify/playlists/${id}-tracks.json`);
  if (body === undefined) {
    return { status: 404, body: SPOTIFY_NOT_FOUND };
  }
  const offset = pageParam(req, 'offset', 0);
  const limit = pageParam(req, 'limit', 100);
  const page = slice(body, 'items', offset, limit);
  const next = page.more
    ? `https://api.spotify.com/v1/playlists/${id}/tracks?offset=${offset + limit}&limit=${limit}`
    : null;
  return ok({ href: '', items: page.items, limit, offset, next, previous: null, total: field(body, 'total') });
}

let tokenCounter = 0;

function spotify(store: FixtureStore, req: FakeRequest): FakeAnswer {
  if (req.path === '/api/token') {
    const auth = String(req.headers.authorization ?? '');
    if (req.method !== 'POST' || !auth.startsWith('Basic ')) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'Invalid client' } };
    }
    tokenCounter += 1;
    return ok({ access_token: `fake-spotify-token-${tokenCounter}`, token_type: 'Bearer', expires_in: 3600 });
  }
  if (!String(req.headers.authorization ?? '').startsWith('Bearer fake-spotify-token-')) {
    return { status: 401, body: { error: { status: 401, message: 'Invalid access token' } } };
  }
  const [, v1, kind, id, sub] = req.path.split('/');
  if (v1 === 'v1' && kind === 'playlists' && sub === 'tracks') {
    return spotifyPlaylistTracks(store, req, id ?? '');
  }
  if (v1 === 'v1' && kind === 'search') {
    const type = req.query.get('type') ?? 'track';
    const page = { href: '', items: [], limit: 20, next: null, offset: 0, previous: null, total: 0 };
    const body = store.read(`spotify/search/${type}/${slug(req.query.get('q') ?? '')}.json`) ?? { [`${type}s`]: page };
    return ok(spotifyPage(body, type, req.query));
  }
  return fileOr(store, `spotify/${kind ?? ''}/${id ?? ''}.json`, { status: 404, body: SPOTIFY_NOT_FOUND });
}

/** The token the test settings give Chorus (test/support/upstream-env.ts); any other is refused as Genius does. */
export const FAKE_GENIUS_TOKEN = 'fake-genius-token';

const geniusMeta = (status: number, message?: string) => ({ meta: message ? { status, message } : { status } });

/**
 * api.genius.com: `/search?q=` from `genius/search/<slug>.json` (no hits otherwise), `/songs/<id>` from
 * `genius/songs/<id>.json`, `/referents?song_id=` from `genius/referents/<id>.json` (none otherwise); a wrong
 * or missing Bearer token is Genius's 401.
 */
function genius(store: FixtureStore, req: FakeRequest): FakeAnswer {
  if (req.headers.authorization !== `Bearer ${FAKE_GENIUS_TOKEN}`) {
    return { status: 401, body: geniusMeta(401, 'This call requires an access_token.') };
  }
  const notFound = { status: 404, body: geniusMeta(404, 'Not found') };
  if (req.path === '/search') {
    const hits = store.read(`genius/search/${slug(req.query.get('q') ?? '')}.json`) ?? { hits: [] };
    return ok({ ...geniusMeta(200), response: hits });
  }
  if (req.path === '/referents') {
    const referents = store.read(`genius/referents/${req.query.get('song_id') ?? ''}.json`) ?? { referents: [] };
    return ok({ ...geniusMeta(200), response: referents });
  }
  const song = /^\/songs\/(\d+)$/.exec(req.path);
  const body = song ? store.read(`genius/songs/${song[1]}.json`) : undefined;
  return body === undefined ? notFound : ok({ ...geniusMeta(200), response: { song: body } });
}

/** `Special:EntityData/<Q>.json` from `wikidata/entity/<Q>.json`; an unknown item gets Wikidata's 404 page. */
function wikidata(store: FixtureStore, req: FakeRequest): FakeAnswer {
  const item = /^\/wiki\/Special:EntityData\/(Q\d+)\.json$/.exec(req.path);
  const missing = { status: 404, body: '<!DOCTYPE html><title>Not Found</title>', contentType: 'text/html' };
  return item ? fileOr(store, `wikidata/entity/${item[1]}.json`, missing) : missing;
}

/**
 * Commons' `Special:FilePath/<file>?width=N`: as the real one, a redirect to the scaled file on
 * upload.wikimedia.org (`/wikipedia/commons/thumb/<h>/<hh>/<file>/<N>px-<file>`), here the fake's `/wikimedia-upload/`.
 */
function commons(_store: FixtureStore, req: FakeRequest): FakeAnswer {
  const file = /^\/wiki\/Special:FilePath\/([^/]+)$/.exec(req.path)?.[1];
  if (!file) {
    return { status: 404, body: 'Not Found', contentType: 'text/plain' };
  }
  const hash = createHash('md5').update(decodeURIComponent(file)).digest('hex');
  const width = req.query.get('width');
  const scaled = width
    ? `thumb/${hash[0]}/${hash.slice(0, 2)}/${file}/${width}px-${file}`
    : `${hash[0]}/${hash.slice(0, 2)}/${file}`;
  const location = `{{upstream}}/wikimedia-upload/wikipedia/commons/${scaled}`;
  return { status: 302, body: '', contentType: 'text/html; charset=utf-8', headers: { location } };
}

/** Each provider's routes, mounted under `/<provider>` on the fake upstream (`commons`: Wikidata's image host). */
export const ROUTES: Record<string, Route> = {
  musicbrainz,
  coverartarchive,
  lrclib,
  deezer,
  itunes,
  spotify,
  genius,
  wikidata,
  commons,
};
