import { HttpSettings } from '../config/core.settings';
import { MetricsService } from '../metrics/metrics.service';
import { MetricsSettings } from '../metrics/metrics.settings';
import { FakeClock } from '../time/fake-clock';
import { CACHE_STATUS_HIT, HttpCache, type AnswerToKeep } from './http-cache';
import { etagMatches } from './http-cache.hooks';
import { HTTP_CACHE_METRIC, HttpCacheMetrics } from './http-cache.metrics';

const KEY = '/v1/artists/:id?[["id","musicbrainz:a"]]';
const BODY = JSON.stringify({ id: 'musicbrainz:a', name: 'x'.repeat(3_000) });

function answer(overrides: Partial<AnswerToKeep> = {}, cacheControl = 'public, max-age=300'): AnswerToKeep {
  return {
    status: 200,
    requestHeaders: { host: 'chorus.test' },
    responseHeaders: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheControl,
      etag: 'W/"abc"',
      'x-cache': 'MISS',
      'cache-status': 'chorus-app; fwd=miss; stored',
      'x-request-id': 'first-request',
      'x-frame-options': 'DENY',
    },
    payload: BODY,
    route: '/v1/artists/:id',
    ...overrides,
  };
}

function makeSut(maxBytes = 1024 * 1024) {
  const clock = new FakeClock();
  const metricsService = new MetricsService(new MetricsSettings());
  const metrics = new HttpCacheMetrics(metricsService);
  const sut = new HttpCache({ ...new HttpSettings(), HTTP_CACHE_MAX_BYTES: maxBytes }, clock, metrics);
  const sample = async (name: string): Promise<number> => {
    const line = (await metricsService.registry.metrics()).split('\n').find((text) => text.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  };
  return { sut, clock, sample };
}

describe(HttpCache.name, () => {
  it('should keep a public answer and give it back with its Age, as a hit, without per-request headers', () => {
    const { sut, clock } = makeSut();
    expect(sut.store(KEY, answer())).toBe(true);
    clock.advance(42_000);
    const hit = sut.lookup(KEY, { host: 'another.host' });
    expect(hit?.age).toBe(42);
    expect(hit?.answer.body.toString()).toBe(BODY);
    expect(hit?.answer.headers).toMatchObject({
      etag: 'W/"abc"',
      'x-cache': 'HIT',
      // RFC 9211: the app's member stays, this cache (its own name) appends its hit.
      'cache-status': `chorus-app; fwd=miss; stored, ${CACHE_STATUS_HIT}`,
    });
    expect(hit?.answer.headers['x-request-id']).toBeUndefined();
    // Set by the edge on every answer, hits included (chorus-app.ts), so not set a second time from the entry.
    expect(hit?.answer.headers['x-frame-options']).toBeUndefined();
  });

  it('should stop answering when max-age runs out', () => {
    const { sut, clock } = makeSut();
    sut.store(KEY, answer({}, 'public, max-age=10'));
    clock.advance(9_999);
    expect(sut.lookup(KEY, {})).toBeDefined();
    clock.advance(1);
    expect(sut.lookup(KEY, {})).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('should never keep an answer past its own freshUntil, even when max-age is longer', () => {
    const { sut, clock } = makeSut();
    sut.store(KEY, answer({ freshUntil: clock.nowMs() + 2_000 }));
    clock.advance(1_999);
    expect(sut.lookup(KEY, {})).toBeDefined();
    clock.advance(1);
    expect(sut.lookup(KEY, {})).toBeUndefined();
  });

  it.each([
    ['no-store', 'public, no-store, max-age=300'],
    ['private', 'private, max-age=300'],
    ['not marked public', 'max-age=300'],
    ['public without a lifetime', 'public'],
    ['must-revalidate', 'public, max-age=0, must-revalidate'],
  ])('should not keep an answer marked %s', (_name, cacheControl) => {
    const { sut } = makeSut();
    expect(sut.store(KEY, answer({}, cacheControl))).toBe(false);
    expect(sut.size).toBe(0);
  });

  it('should not keep a PARTIAL answer (freshUntil 0), an error or an answer that sets a cookie', () => {
    const { sut } = makeSut();
    expect(sut.store(KEY, answer({ freshUntil: 0 }))).toBe(false);
    expect(sut.store(KEY, answer({ status: 404 }))).toBe(false);
    const withCookie = answer();
    expect(
      sut.store(KEY, { ...withCookie, responseHeaders: { ...withCookie.responseHeaders, 'set-cookie': 'a=b' } }),
    ).toBe(false);
    expect(sut.size).toBe(0);
  });

  it('should not keep the answer to a request with an Authorization header or a cookie', () => {
    const { sut } = makeSut();
    expect(sut.store(KEY, answer({ requestHeaders: { authorization: 'Bearer x' } }))).toBe(false);
    expect(sut.store(KEY, answer({ requestHeaders: { cookie: 'session=1' } }))).toBe(false);
    expect(sut.size).toBe(0);
  });

  it('should let a request that asks for revalidation through', () => {
    const { sut } = makeSut();
    sut.store(KEY, answer());
    expect(sut.lookup(KEY, { 'cache-control': 'no-cache' })).toBeUndefined();
    expect(sut.lookup(KEY, { pragma: 'no-cache' })).toBeUndefined();
    expect(sut.lookup(KEY, { 'cache-control': 'max-age=3600' })).toBeDefined();
  });

  it('should answer only requests that match the headers the answer varies on', () => {
    const { sut } = makeSut();
    const first = answer({ requestHeaders: { origin: 'https://a.example' } });
    sut.store(KEY, { ...first, responseHeaders: { ...first.responseHeaders, vary: 'Origin' } });
    expect(sut.lookup(KEY, { origin: 'https://a.example' })).toBeDefined();
    expect(sut.lookup(KEY, { origin: 'https://b.example' })).toBeUndefined();
  });

  it('should stay within its byte budget, dropping the least recently used answers first', async () => {
    const budget = 64 * 1024;
    const { sut, sample } = makeSut(budget);
    sut.store('first', answer());
    for (let i = 0; i < 100; i += 1) {
      sut.store(`variant-${i}`, answer());
      // Keep reading the first one: recently used answers stay.
      expect(sut.lookup('first', {})).toBeDefined();
    }
    expect(sut.bytes).toBeLessThanOrEqual(budget);
    expect(sut.size).toBeLessThan(20);
    expect(sut.lookup('variant-0', {})).toBeUndefined();
    expect(sut.lookup('variant-99', {})).toBeDefined();
    expect(await sample(HTTP_CACHE_METRIC.evictions)).toBe(101 - sut.size);
    expect(await sample(HTTP_CACHE_METRIC.stores)).toBe(101);
    expect(await sample(HTTP_CACHE_METRIC.bytes)).toBe(sut.bytes);
    expect(await sample(`${HTTP_CACHE_METRIC.lookups}{result="hit"}`)).toBe(101);
    expect(await sample(`${HTTP_CACHE_METRIC.lookups}{result="miss"}`)).toBe(1);
  });

  it('should not keep an answer larger than an eighth of the budget', () => {
    const { sut } = makeSut(16 * 1024);
    expect(sut.store(KEY, answer({ payload: 'x'.repeat(4 * 1024) }))).toBe(false);
  });

  it('should be emptied by clear() (a purge)', () => {
    const { sut } = makeSut();
    sut.store(KEY, answer());
    sut.rememberKey('/v1/artists/musicbrainz:a', KEY);
    sut.clear();
    expect(sut.lookup(KEY, {})).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('should keep nothing when HTTP_CACHE_MAX_BYTES is 0', () => {
    const { sut } = makeSut(0);
    expect(sut.enabled).toBe(false);
    expect(sut.store(KEY, answer())).toBe(false);
    sut.rememberKey('/a', KEY);
    expect(sut.knownKey('/a')).toBeUndefined();
  });
});

describe(etagMatches.name, () => {
  it('should compare weakly, in a list, and accept *', () => {
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"x", "abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('*', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abd"', 'W/"abc"')).toBe(false);
    expect(etagMatches(undefined, 'W/"abc"')).toBe(false);
    expect(etagMatches('*', undefined)).toBe(false);
  });
});
