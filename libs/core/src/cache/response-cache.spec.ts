import { RedisSettings } from '../config/core.settings';
import { EncodedMessage } from '../transport/encoded-message';
import { etagMatches, ReplayCache, ResponseCache, RpcResponseCache, type CachedResponse } from './response-cache';

function cache(overrides: Partial<RedisSettings> = {}, on = true): ReplayCache<CachedResponse> {
  return new ReplayCache<CachedResponse>(
    { ...new RedisSettings(), CACHE_L1_TTL_MS: 1_000, CACHE_L1_MAX_ITEMS: 2, ...overrides },
    on,
  );
}

const ANSWER = { body: '{"id":"a"}', etag: 'W/"a"', headers: { etag: 'W/"a"' } };

describe('ReplayCache', () => {
  it('should keep an answer until the earlier of its own expiry and the L1 TTL', () => {
    const responses = cache();
    responses.put('/a', ANSWER, 10_500, 10_000);
    responses.put('/b', ANSWER, 99_000, 10_000);
    expect(responses.get('/a', 10_499)?.body).toBe(ANSWER.body);
    expect(responses.get('/a', 10_500)).toBeUndefined();
    expect(responses.get('/b', 10_999)).toBeDefined();
    expect(responses.get('/b', 11_000)).toBeUndefined();
    expect(responses.size).toBe(0);
  });

  it('should not keep an answer that is already expired', () => {
    const responses = cache();
    responses.put('/a', ANSWER, 10_000, 10_000);
    expect(responses.size).toBe(0);
  });

  it('should drop the oldest entry beyond CACHE_L1_MAX_ITEMS', () => {
    const responses = cache();
    responses.put('/a', ANSWER, 20_000, 10_000);
    responses.put('/b', ANSWER, 20_000, 10_000);
    responses.put('/c', ANSWER, 20_000, 10_000);
    expect(responses.get('/a', 10_001)).toBeUndefined();
    expect(responses.get('/b', 10_001)).toBeDefined();
    expect(responses.get('/c', 10_001)).toBeDefined();
  });

  it('should keep nothing for REST: the HTTP cache keeps REST answers', () => {
    const responses = new ResponseCache(new RedisSettings());
    responses.put('/a', ANSWER, Date.now() + 20_000);
    expect(responses.enabled).toBe(false);
    expect(responses.size).toBe(0);
  });

  it.each([[{ CACHE_L1_TTL_MS: 0 }], [{ CACHE_L1_MAX_ITEMS: 0 }]])(
    'should keep nothing when turned off (%o)',
    (overrides) => {
      const responses = cache(overrides);
      responses.put('/a', ANSWER, 20_000, 10_000);
      expect(responses.enabled).toBe(false);
      expect(responses.get('/a', 10_001)).toBeUndefined();
    },
  );

  it('should forget everything on clear', () => {
    const responses = cache();
    responses.put('/a', ANSWER, 20_000, 10_000);
    responses.clear();
    expect(responses.get('/a', 10_001)).toBeUndefined();
  });
});

describe('RpcResponseCache', () => {
  const settings = { ...new RedisSettings(), CACHE_L1_TTL_MS: 60_000 };
  const answer = { message: new EncodedMessage(Buffer.from([0x0a, 0x01, 0x61])), metadata: { 'x-cache': 'HIT' } };

  it('should find an answer by method and equal request, and only for a method that kept one', () => {
    const responses = new RpcResponseCache(settings);
    responses.keep('/chorus.v1.CatalogService/GetArtist', { id: 'a' }, answer, Date.now() + 10_000);
    expect(responses.find('/chorus.v1.CatalogService/GetArtist', { id: 'a' })).toMatchObject(answer);
    expect(responses.find('/chorus.v1.CatalogService/GetArtist', { id: 'b' })).toBeUndefined();
    expect(responses.find('/chorus.v1.AuthService/Login', { id: 'a' })).toBeUndefined();
    responses.clear();
    expect(responses.find('/chorus.v1.CatalogService/GetArtist', { id: 'a' })).toBeUndefined();
  });
});

describe('etagMatches', () => {
  it.each([
    ['W/"a"', true],
    ['"a"', true],
    ['"x", W/"a"', true],
    ['*', true],
    ['W/"b"', false],
    ['', false],
    [undefined, false],
  ])('should compare If-None-Match %p weakly', (header, expected) => {
    expect(etagMatches(header, 'W/"a"')).toBe(expected);
  });
});
