import request from 'supertest';
import { AUTH_TEST_SETTINGS, bearer, registerRest } from '../auth/auth-helpers';
import { FakeUpstream } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const ARTIST_PATH = `/v1/artists/${DAFT_PUNK}`;
const TTL_SECONDS = 3_600;

/** Answers the catalog's read path produced, by freshness. */
async function catalogAnswers(app: TestApp): Promise<Record<string, number>> {
  const text = (await request(app.httpUrl).get('/metrics')).text;
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^chorus_catalog_answers_total\{freshness="(\w+)"\} (\d+)/gm)) {
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

/** What the pipeline (AnswerInterceptor) makes of an Answer<T> on each transport. */
describe('Answer metadata (REST and gRPC)', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;

  beforeAll(async () => {
    await fake.start();
    // The HTTP cache off: this file is about the metadata the app itself sends (http-cache.e2e-spec.ts covers the cache).
    sut = await bootTestApp(
      upstreamEnv(fake, {
        ...AUTH_TEST_SETTINGS,
        CATALOG_TTL_SECONDS: `entity=${TTL_SECONDS}`,
        HTTP_CACHE_MAX_BYTES: '0',
      }),
    );
  });
  afterAll(async () => {
    await sut?.close();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('should mark a lookup MISS then HIT, with one ETag over the same bytes, and answer 304 to it', async () => {
    const first = await request(sut.httpUrl).get(ARTIST_PATH);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers['cache-status']).toBe('chorus-app; fwd=miss; stored');
    const second = await request(sut.httpUrl).get(ARTIST_PATH).set('x-request-id', 'answer-check-1');
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['cache-status']).toBe('chorus-app; hit');
    expect(second.headers['x-request-id']).toBe('answer-check-1');
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(second.headers.etag).toMatch(/^W\/"[\w-]{27}"$/);
    expect(second.headers.etag).toBe(first.headers.etag);
    // What is left of the answer's freshness, never more than the TTL it was stored with.
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(String(second.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThan(TTL_SECONDS - 60);
    expect(maxAge).toBeLessThanOrEqual(TTL_SECONDS);

    const notModified = await request(sut.httpUrl).get(ARTIST_PATH).set('if-none-match', `"x", ${first.headers.etag}`);
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers['content-type']).toBeUndefined();
    expect(notModified.headers.etag).toBe(first.headers.etag);
    expect(notModified.headers['x-cache']).toBe('HIT');
    // Every request ran the read path: nothing answers before Nest.
    expect(await catalogAnswers(sut)).toMatchObject({ miss: 1, hit: 2 });
    expect(fake.count('/musicbrainz')).toBe(1);
  });

  it('should keep a public lookup public when a token comes along: no caller shapes it', async () => {
    // Lookups do not ask who is calling (the guard leaves them alone), so the answer is everyone's; an answer
    // a signed-in caller shaped is `private` (answer-policy.spec.ts). Shared caches skip credentialed requests.
    const { tokens } = await registerRest(sut.httpUrl);
    const answer = await request(sut.httpUrl).get(ARTIST_PATH).set(bearer(tokens.accessToken));
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  });

  it('should mark a PARTIAL search no-store, so the failed provider is asked again', async () => {
    const path = '/v1/search?q=daft%20punk&type=artist';
    fake.fault('/deezer/search', { status: 500 });
    const partial = await request(sut.httpUrl).get(path);
    expect(partial.status).toBe(200);
    expect(partial.body.status).toBe('PARTIAL');
    expect(partial.headers['cache-control']).toBe('no-store');
    fake.reset();
    const retried = await request(sut.httpUrl).get(path);
    expect(retried.body.status).toBe('OK');
    expect(retried.body.failures).toEqual([]);
    expect(retried.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(fake.count('/deezer/search')).toBe(1);
  });

  it('should give answers that are not lookups no ETag or Cache-Control', async () => {
    const providers = await request(sut.httpUrl).get('/v1/providers');
    expect(providers.status).toBe(200);
    expect(providers.headers.etag).toBeUndefined();
    expect(providers.headers['cache-control']).toBeUndefined();
    expect(providers.headers['x-cache']).toBeUndefined();
  });

  it('should send freshness as initial and trailing gRPC metadata, with the request id', async () => {
    const client = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
    try {
      const id = 'deezer:27';
      const first = await grpcCall<{ id: string; name: string }>(client, 'GetArtist', { id });
      expect(first.error).toBeUndefined();
      expect(first.metadata?.get('x-cache')).toEqual(['MISS']);
      const second = await grpcCall<{ id: string; name: string }>(
        client,
        'GetArtist',
        { id },
        { 'x-request-id': 'rpc-answer-1' },
      );
      expect(second.response).toEqual(first.response);
      expect(second.metadata?.get('x-cache')).toEqual(['HIT']);
      expect(second.metadata?.get('cache-status')).toEqual(['chorus-app; hit']);
      expect(second.metadata?.get('x-request-id')).toEqual(['rpc-answer-1']);
      expect(second.trailers?.get('cache-status')).toEqual(['chorus-app; hit']);
      expect(second.trailers?.get('x-request-id')).toEqual(['rpc-answer-1']);

      const invalid = await grpcCall(client, 'GetArtist', { id: 'not-an-id' });
      expect(invalid.error?.code).toBe(3);
      expect(invalid.trailers?.get('x-cache')).toEqual([]);
    } finally {
      client.close();
    }
  });
});
