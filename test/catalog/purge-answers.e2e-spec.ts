import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const HBFS = 'deezer:3135556';
/** Genius has only near misses for it: a remembered NOT_FOUND. */
const VOYAGER = 'deezer:3135561';
const DAFT_PUNK = 'deezer:27';
const PLAYLIST = 'deezer:908622995';
/** Deezer knows no such playlist: its pages are remembered NOT_FOUNDs. */
const NO_PLAYLIST = 'deezer:1234';
/** LrcLib has its lyrics under the exact signature. */
const ONE_MORE_TIME = 'deezer:3135553';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';

async function rows(url: string, sql: string, params: unknown[]): Promise<number> {
  const found = await queryDatabase<{ n: string }>(url, `SELECT count(*) AS n FROM (${sql}) AS kept`, params);
  return Number(found[0]?.n ?? 0);
}

/**
 * An admin purge reaches every answer kept about what it names: PostgreSQL, the Redis and in-process caches,
 * remembered misses and the HTTP cache in front (on in tests). Each test reads twice (the second read reaches
 * no provider), purges, and counts the provider calls of the next read at the fake upstream.
 */
describe('Admin purge of kept Genius, lyrics, cover art, similar and playlist answers', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;
  let adminToken: string;

  const purge = (type: string, id: string) =>
    request(sut.httpUrl)
      .delete(`/v1/admin/catalog/entities/${type}/${id}`)
      .set('authorization', `Bearer ${adminToken}`);

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(upstreamEnv(fake));
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
    const email = 'purge-admin@example.com';
    await request(sut.httpUrl).post('/v1/auth/register').send({ email, password: 'a long enough password' });
    await queryDatabase(sut.database.url, `UPDATE auth_users SET role = 'admin' WHERE email = $1`, [email]);
    const login = await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: 'a long enough password' });
    adminToken = login.body.tokens.accessToken as string;
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  beforeEach(() => fake.reset());

  it("should make a track's Genius song and annotations asked of Genius again after the track is purged", async () => {
    const path = `/v1/tracks/${HBFS}/genius`;
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    fake.reset();
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count()).toBe(0);

    expect((await purge('track', HBFS)).status).toBe(200);
    const parts = `SELECT 1 FROM catalog_extras WHERE public_id = $1 AND part LIKE 'genius-%'`;
    expect(await rows(sut.database.url, parts, [HBFS])).toBe(0);

    const again = await request(sut.httpUrl).get(path);
    expect(again.status).toBe(200);
    expect(again.body.annotations).toHaveLength(2);
    expect(fake.requests('/genius').map((call) => call.path)).toEqual([
      '/genius/search',
      '/genius/songs/3517',
      '/genius/referents',
    ]);
  });

  it("should forget a remembered 'Genius has no song' with the track, over gRPC too", async () => {
    expect((await request(sut.httpUrl).get(`/v1/tracks/${VOYAGER}/genius`)).status).toBe(404);
    fake.reset();
    const remembered = await grpcCall(grpc, 'GetTrackGenius', { id: VOYAGER });
    expect(remembered.error).toBeDefined();
    expect(fake.count()).toBe(0);

    const purged = await grpcCall(
      grpc,
      'PurgeEntity',
      { id: VOYAGER, type: 'track' },
      {
        authorization: `Bearer ${adminToken}`,
      },
    );
    expect(purged.error).toBeUndefined();
    expect((await request(sut.httpUrl).get(`/v1/tracks/${VOYAGER}/genius`)).status).toBe(404);
    expect(fake.count('/genius/search')).toBe(1);
  });

  it("should make a track's lyrics asked of LrcLib again after the track is purged", async () => {
    const path = `/v1/tracks/${ONE_MORE_TIME}/lyrics`;
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    fake.reset();
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count()).toBe(0);

    expect((await purge('track', ONE_MORE_TIME)).status).toBe(200);
    const kept = `SELECT 1 FROM catalog_lyrics WHERE track_public_id = $1`;
    expect(await rows(sut.database.url, kept, [ONE_MORE_TIME])).toBe(0);

    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count('/lrclib/api')).toBeGreaterThanOrEqual(1);
  });

  it("should make an album's cover art asked of the Cover Art Archive again after the album is purged", async () => {
    const path = `/v1/albums/${DISCOVERY}/cover-art`;
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    fake.reset();
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count()).toBe(0);

    expect((await purge('album', DISCOVERY)).status).toBe(200);
    const kept = `SELECT 1 FROM catalog_cover_art WHERE album_public_id = $1`;
    expect(await rows(sut.database.url, kept, [DISCOVERY])).toBe(0);

    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count('/coverartarchive/release-group/')).toBe(1);
  });

  it("should make an artist's similar artists asked of Deezer again after the artist is purged", async () => {
    const path = `/v1/artists/${DAFT_PUNK}/similar`;
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    fake.reset();
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count()).toBe(0);

    expect((await purge('artist', DAFT_PUNK)).status).toBe(200);
    const kept = `SELECT 1 FROM catalog_searches WHERE type = 'similar-artists' AND query = $1`;
    expect(await rows(sut.database.url, kept, [DAFT_PUNK])).toBe(0);

    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    expect(fake.count('/deezer/artist/27/related')).toBe(1);
  });

  it("should purge a Deezer playlist's kept head and pages by type external-playlist", async () => {
    const head = `/v1/resolve?url=${encodeURIComponent('https://www.deezer.com/playlist/908622995')}`;
    const tracks = `/v1/external-playlists/${PLAYLIST}/tracks?limit=10`;
    expect((await request(sut.httpUrl).get(head)).status).toBe(200);
    expect((await request(sut.httpUrl).get(tracks)).status).toBe(200);
    fake.reset();
    expect((await request(sut.httpUrl).get(head)).status).toBe(200);
    expect((await request(sut.httpUrl).get(tracks)).status).toBe(200);
    expect(fake.count()).toBe(0);

    const purged = await purge('external-playlist', PLAYLIST);
    expect(purged.status).toBe(200);
    expect(purged.body.removed).toBeGreaterThanOrEqual(2);
    const kept = `SELECT 1 FROM catalog_searches WHERE type = 'external-playlist' AND query = $1`;
    expect(await rows(sut.database.url, kept, [PLAYLIST])).toBe(0);

    expect((await request(sut.httpUrl).get(head)).status).toBe(200);
    expect((await request(sut.httpUrl).get(tracks)).status).toBe(200);
    expect(fake.count('/deezer/playlist/908622995/tracks')).toBe(1);
    expect(fake.count('/deezer/playlist/908622995')).toBeGreaterThanOrEqual(2);
  });

  it("should forget a playlist page's remembered 'not found' with the playlist", async () => {
    const tracks = `/v1/external-playlists/${NO_PLAYLIST}/tracks?limit=10`;
    expect((await request(sut.httpUrl).get(tracks)).status).toBe(404);
    fake.reset();
    expect((await request(sut.httpUrl).get(tracks)).status).toBe(404);
    expect(fake.count()).toBe(0);

    expect((await purge('external-playlist', NO_PLAYLIST)).status).toBe(200);
    const remembered = `SELECT 1 FROM catalog_misses WHERE key LIKE 'external-playlist-tracks:' || $1 || ':%'`;
    expect(await rows(sut.database.url, remembered, [NO_PLAYLIST])).toBe(0);

    expect((await request(sut.httpUrl).get(tracks)).status).toBe(404);
    expect(fake.count('/deezer/playlist/1234/tracks')).toBe(1);
  });

  it('should refuse a bad playlist id or an unknown type with a 400 naming the field, removing nothing', async () => {
    const before = await rows(sut.database.url, 'SELECT 1 FROM catalog_searches', []);
    const badId = await purge('external-playlist', 'deezer:abc');
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body.errors)).toMatch(/"id"/);
    const badType = await purge('playlist', PLAYLIST);
    expect(badType.status).toBe(400);
    expect(JSON.stringify(badType.body.errors)).toMatch(/"type"/);
    expect(await rows(sut.database.url, 'SELECT 1 FROM catalog_searches', [])).toBe(before);
  });
});
