import request from 'supertest';
import { CacheService, HttpCache } from '@app/core';
import { FakeUpstream } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const ARTIST_PATH = `/v1/artists/${DAFT_PUNK}`;

/** Answers the catalog's read path produced; a replayed REST answer never reaches it. */
async function catalogAnswers(app: TestApp): Promise<Record<string, number>> {
  const text = (await request(app.httpUrl).get('/metrics')).text;
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^chorus_catalog_answers_total\{freshness="(\w+)"\} (\d+)/gm)) {
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

describe('Replay caches (REST and gRPC)', () => {
  const fake = new FakeUpstream();

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  /** One app for the enclosing describe, with these settings on top of the fake upstream's. */
  function appFor(extra: Record<string, string> = {}): () => TestApp {
    let app: TestApp | undefined;
    beforeAll(async () => {
      app = await bootTestApp(upstreamEnv(fake, extra));
    });
    afterAll(() => app?.close());
    return () => {
      if (!app) {
        throw new Error('the app did not boot');
      }
      return app;
    };
  }

  describe('on (default)', () => {
    const current = appFor({ CATALOG_TTL_SECONDS: 'entity=2' });

    it('should replay a fresh lookup byte for byte, as a HIT, without running the read path again', async () => {
      const app = current();
      const first = await request(app.httpUrl).get(ARTIST_PATH);
      expect(first.status).toBe(200);
      expect(first.headers['x-cache']).toBe('MISS');
      const replayed = await request(app.httpUrl).get(ARTIST_PATH).set('x-request-id', 'replay-check-1');
      expect(replayed.status).toBe(200);
      expect(replayed.text).toBe(first.text);
      expect(replayed.headers.etag).toBe(first.headers.etag);
      expect(replayed.headers['x-cache']).toBe('HIT');
      expect(replayed.headers['cache-status']).toBe('chorus; hit');
      expect(replayed.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(replayed.headers['cache-control']).toBe(first.headers['cache-control']);
      // Per-request headers are still the request's own.
      expect(replayed.headers['x-request-id']).toBe('replay-check-1');
      expect(replayed.headers['x-content-type-options']).toBe('nosniff');
      expect(await catalogAnswers(app)).toMatchObject({ miss: 1, hit: 0 });
      expect(fake.count('/musicbrainz')).toBe(1);

      const notModified = await request(app.httpUrl).get(ARTIST_PATH).set('if-none-match', first.headers.etag);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers['content-type']).toBeUndefined();
    });

    it('should not replay past the answer’s own freshness: an expired answer comes back STALE', async () => {
      const app = current();
      expect((await request(app.httpUrl).get(ARTIST_PATH)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      const later = await request(app.httpUrl).get(ARTIST_PATH);
      expect(later.status).toBe(200);
      expect(later.headers['x-cache']).toBe('STALE');
      expect(later.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    });

    it('should not replay a PARTIAL search: the failed provider is asked again', async () => {
      const app = current();
      const path = '/v1/search?q=daft%20punk&type=artist';
      fake.fault('/deezer/search', { status: 500 });
      const partial = await request(app.httpUrl).get(path);
      expect(partial.status).toBe(200);
      expect(partial.body.status).toBe('PARTIAL');
      fake.reset();
      const retried = await request(app.httpUrl).get(path);
      expect(retried.body.status).toBe('OK');
      expect(fake.count('/deezer/search')).toBe(1);
    });

    it('should keep only successful answers of public lookups', async () => {
      const app = current();
      // The REST half of the replay is the HTTP cache's job now (test/catalog/http-cache.e2e-spec.ts).
      const responses = app.chorus.app.get(HttpCache);
      responses.clear();
      const unknown = 'musicbrainz:00000000-0000-4000-8000-000000000000';
      expect((await request(app.httpUrl).get(`/v1/artists/${unknown}`)).status).toBe(404);
      expect((await request(app.httpUrl).get('/v1/artists/not-an-id')).status).toBe(400);
      expect((await request(app.httpUrl).get('/v1/providers')).status).toBe(200);
      expect(responses.size).toBe(0);
      // An artist not asked before: a fresh MISS (an earlier one may have gone stale after the 2 s TTL).
      expect((await request(app.httpUrl).get('/v1/artists/deezer:27')).status).toBe(200);
      expect(responses.size).toBe(1);
    });
  });

  describe('gRPC', () => {
    const current = appFor();

    it('should replay a fresh GetArtist with the same message and metadata, without running the read path', async () => {
      const app = current();
      const client = grpcClient(app.grpcAddress, 'chorus.v1.CatalogService');
      try {
        const first = await grpcCall<{ id: string; name: string }>(client, 'GetArtist', { id: DAFT_PUNK });
        expect(first.error).toBeUndefined();
        expect(first.metadata?.get('x-cache')).toEqual(['MISS']);
        const replayed = await grpcCall<{ id: string; name: string }>(
          client,
          'GetArtist',
          { id: DAFT_PUNK },
          { 'x-request-id': 'rpc-replay-1' },
        );
        expect(replayed.error).toBeUndefined();
        expect(replayed.response).toEqual(first.response);
        expect(replayed.metadata?.get('x-cache')).toEqual(['HIT']);
        expect(replayed.metadata?.get('x-request-id')).toEqual(['rpc-replay-1']);
        expect(replayed.trailers?.get('cache-status')).toEqual(['chorus; hit']);
        expect(await catalogAnswers(app)).toMatchObject({ miss: 1, hit: 0 });

        // Another question, or a request that fails validation, still goes through the whole pipeline.
        const invalid = await grpcCall(client, 'GetArtist', { id: 'not-an-id' });
        expect(invalid.error?.code).toBe(3);
        expect((await grpcCall(client, 'GetArtist', { id: 'not-an-id' })).error?.code).toBe(3);
        // Replayed calls are still counted by the metrics interceptor in front of the replay.
        const metrics = (await request(app.httpUrl).get('/metrics')).text;
        const handled = metrics
          .split('\n')
          .find(
            (line) =>
              /^grpc_server_handled_total\{/.test(line) &&
              line.includes('grpc_method="GetArtist"') &&
              line.includes('grpc_code="OK"'),
          );
        expect(handled?.split(' ').at(-1)).toBe('2');
      } finally {
        client.close();
      }
    });

    it('should be emptied by an admin purge', async () => {
      const app = current();
      const client = grpcClient(app.grpcAddress, 'chorus.v1.CatalogService');
      try {
        await grpcCall(client, 'GetArtist', { id: DAFT_PUNK });
        await app.chorus.app.get(CacheService).delete('nothing-in-particular');
        const after = await grpcCall(client, 'GetArtist', { id: DAFT_PUNK });
        expect(after.metadata?.get('x-cache')).toEqual(['HIT']);
        expect(await catalogAnswers(app)).toMatchObject({ hit: 1 });
      } finally {
        client.close();
      }
    });
  });

  describe('with CORS', () => {
    const current = appFor({ HTTP_CORS_ORIGINS: 'https://app.example.com' });

    it('should answer a replay with the same CORS headers as the first answer', async () => {
      const app = current();
      const origin = 'https://app.example.com';
      const first = await request(app.httpUrl).get(ARTIST_PATH).set('origin', origin);
      const replayed = await request(app.httpUrl).get(ARTIST_PATH).set('origin', origin);
      expect(replayed.headers['x-cache']).toBe('HIT');
      expect(await catalogAnswers(app)).toMatchObject({ hit: 0 });
      expect(first.headers['access-control-allow-origin']).toBe(origin);
      expect(replayed.headers['access-control-allow-origin']).toBe(origin);
      expect(replayed.headers['access-control-expose-headers']).toBe(first.headers['access-control-expose-headers']);
    });
  });

  describe('off (HTTP_CACHE_MAX_BYTES=0)', () => {
    const current = appFor({ HTTP_CACHE_MAX_BYTES: '0' });

    it('should run every request through the read path, with the same ETag, Cache-Control and 304', async () => {
      const app = current();
      const first = await request(app.httpUrl).get(ARTIST_PATH);
      const second = await request(app.httpUrl).get(ARTIST_PATH);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.text).toBe(first.text);
      expect(second.headers.etag).toMatch(/^W\/"[\w-]{27}"$/);
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(second.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
      expect(second.headers['content-type']).toBe('application/json; charset=utf-8');

      const notModified = await request(app.httpUrl)
        .get(ARTIST_PATH)
        .set('if-none-match', `"x", ${first.headers.etag}`);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers['content-type']).toBeUndefined();
      expect(notModified.headers.etag).toBe(first.headers.etag);
      expect(notModified.headers['x-cache']).toBe('HIT');
      expect(await catalogAnswers(app)).toMatchObject({ miss: 1, hit: 2 });
    });

    it('should give answers that are not lookups no ETag or Cache-Control', async () => {
      const app = current();
      const providers = await request(app.httpUrl).get('/v1/providers');
      expect(providers.status).toBe(200);
      expect(providers.headers.etag).toBeUndefined();
      expect(providers.headers['cache-control']).toBeUndefined();
    });
  });
});
