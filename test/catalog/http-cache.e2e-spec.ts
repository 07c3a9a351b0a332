import request from 'supertest';
import { HttpCache } from '@app/core';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const ARTIST_PATH = `/v1/artists/${DAFT_PUNK}`;
const ALBUMS_PATH = `/v1/artists/${DAFT_PUNK}/albums`;
/** RFC 9211 Cache-Status: whatever the app's tiers said (chorus-app), then the HTTP cache's own member. */
const STORED_HERE = /^chorus-app; [^,]+, chorus-http; fwd=miss; stored$/;
const HIT_HERE = /^chorus-app; [^,]+, chorus-http; hit$/;

/** Prometheus counters by name and label set, from the app's own /metrics. */
async function counters(app: TestApp): Promise<Map<string, number>> {
  const text = (await request(app.httpUrl).get('/metrics')).text;
  const values = new Map<string, number>();
  for (const match of text.matchAll(/^(chorus_(?:catalog_answers|http_cache_\w+?)(?:_total)?(?:\{[^}]*\})?) (\d+)/gm)) {
    values.set(match[1], Number(match[2]));
  }
  return values;
}

/** How many answers the catalog's read path produced: a request the HTTP cache answers never reaches it. */
async function readPathAnswers(app: TestApp): Promise<number> {
  const values = await counters(app);
  return ['hit', 'miss', 'stale'].reduce(
    (sum, freshness) => sum + (values.get(`chorus_catalog_answers_total{freshness="${freshness}"}`) ?? 0),
    0,
  );
}

describe('HTTP cache in front of the app', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(upstreamEnv(fake));
  });

  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  beforeEach(() => {
    fake.reset();
    sut.chorus.app.get(HttpCache).clear();
  });

  it('should answer a second identical request itself, with Age and cache-status, without reaching the app', async () => {
    const first = await request(sut.httpUrl).get(ARTIST_PATH);
    expect(first.status).toBe(200);
    // RFC 9211: the app's tiers (chorus-app) fetched it, then the HTTP cache (chorus-http) kept it.
    expect(first.headers['cache-status']).toBe('chorus-app; fwd=miss; stored, chorus-http; fwd=miss; stored');
    const before = await readPathAnswers(sut);

    const second = await request(sut.httpUrl).get(ARTIST_PATH).set('x-request-id', 'http-cache-1');
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers['cache-status']).toBe('chorus-app; fwd=miss; stored, chorus-http; hit');
    expect(second.headers.age).toMatch(/^\d+$/);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    // Per-request headers are the request's own.
    expect(second.headers['x-request-id']).toBe('http-cache-1');
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(await readPathAnswers(sut)).toBe(before);
    expect(fake.count('/musicbrainz')).toBeLessThanOrEqual(1);
    expect((await counters(sut)).get('chorus_http_cache_lookups_total{result="hit"}')).toBeGreaterThanOrEqual(1);
  });

  it('should answer If-None-Match itself with a 304', async () => {
    const first = await request(sut.httpUrl).get(ARTIST_PATH);
    const before = await readPathAnswers(sut);
    const notModified = await request(sut.httpUrl).get(ARTIST_PATH).set('if-none-match', `"x", ${first.headers.etag}`);
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers['content-type']).toBeUndefined();
    expect(notModified.headers.etag).toBe(first.headers.etag);
    expect(await readPathAnswers(sut)).toBe(before);
  });

  it('should give requests that validate to the same DTO one entry (limit=0005 and limit=5, order, defaults)', async () => {
    const first = await request(sut.httpUrl).get(`${ALBUMS_PATH}?limit=0005&offset=0`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-status']).toMatch(STORED_HERE);
    const before = await readPathAnswers(sut);
    for (const query of ['limit=5', 'offset=0&limit=5', 'limit=5.0&offset=00']) {
      const again = await request(sut.httpUrl).get(`${ALBUMS_PATH}?${query}`);
      expect([query, again.headers['cache-status']]).toEqual([query, expect.stringMatching(HIT_HERE)]);
      expect(again.text).toBe(first.text);
    }
    expect(await readPathAnswers(sut)).toBe(before);

    // A default left implicit is the same question as one written out.
    await request(sut.httpUrl).get(ALBUMS_PATH);
    expect((await request(sut.httpUrl).get(`${ALBUMS_PATH}?limit=25&offset=0`)).headers['cache-status']).toMatch(
      HIT_HERE,
    );
    expect(sut.chorus.app.get(HttpCache).size).toBe(2);
  });

  it('should never keep a request its validation refuses', async () => {
    const unknown = await request(sut.httpUrl).get(`${ALBUMS_PATH}?limit=5&colour=blue`);
    expect(unknown.status).toBe(400);
    expect((await request(sut.httpUrl).get(`${ALBUMS_PATH}?limit=%205`)).status).toBe(400);
    expect(sut.chorus.app.get(HttpCache).size).toBe(0);
  });

  it('should let requests with an Authorization header or a cookie through to the app, and keep nothing of them', async () => {
    const cache = sut.chorus.app.get(HttpCache);
    await request(sut.httpUrl).get(ARTIST_PATH);
    expect(cache.size).toBe(1);
    for (const [header, value] of [
      ['cookie', 'session=1'],
      ['authorization', 'Bearer not-a-token'],
    ]) {
      const before = await readPathAnswers(sut);
      const answer = await request(sut.httpUrl).get(ARTIST_PATH).set(header, value);
      expect([header, answer.headers.age]).toEqual([header, undefined]);
      expect(await readPathAnswers(sut)).toBe(before + (answer.status === 200 ? 1 : 0));
    }
    cache.clear();
    await request(sut.httpUrl).get(ARTIST_PATH).set('cookie', 'session=1');
    expect(cache.size).toBe(0);
  });

  it('should be emptied by an admin purge', async () => {
    const user = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .send({ email: 'http-cache-admin@example.com', password: 'a long enough password' });
    const token = user.body.tokens.accessToken as string;
    await queryDatabase(
      sut.database.url,
      `UPDATE auth_users SET role = 'admin' WHERE email = 'http-cache-admin@example.com'`,
    );
    await request(sut.httpUrl).get(ARTIST_PATH);
    expect((await request(sut.httpUrl).get(ARTIST_PATH)).headers['cache-status']).toMatch(HIT_HERE);

    const purged = await request(sut.httpUrl)
      .delete(`/v1/admin/catalog/entities/artist/${DAFT_PUNK}`)
      .set('authorization', `Bearer ${token}`);
    expect(purged.status).toBe(200);
    expect(sut.chorus.app.get(HttpCache).size).toBe(0);
    fake.reset();
    const again = await request(sut.httpUrl).get(ARTIST_PATH);
    expect(again.headers['cache-status']).toBe('chorus-app; fwd=miss; stored, chorus-http; fwd=miss; stored');
    expect(again.headers['x-cache']).toBe('MISS');
    expect(fake.count('/musicbrainz/ws/2/artist')).toBe(1);
  });
});
