import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** The recorded Deezer playlist: 4 tracks, with pictures and an owner. */
const DEEZER_ID = 'deezer:908622995';
/** A playlist the fake upstream generates: 60 tracks titled `Track 0` … `Track 59`. */
const GENERATED_ID = 'deezer:770060';
const SPOTIFY_ID = 'spotify:37i9dQZF1DX0XUsuxWHRQd';

interface ExternalPlaylist {
  id: string;
  name: string;
  owner: string;
  images: Array<{ url: string; width: number; thumbnails: Array<{ width: number }> }>;
  trackCount: number;
  source: string;
}

interface TracksPage {
  playlistId: string;
  items: Array<{ id: string; title: string; isrcs: string[]; artistCredit: Array<{ name: string }> }>;
  total: number;
  limit: number;
  offset: number;
  unavailable: Array<{ title: string; reason: string }>;
}

interface ResolveBody {
  type: string;
  id: string;
  playlist?: ExternalPlaylist;
}

async function keptAnswers(url: string): Promise<number> {
  const rows = await queryDatabase<{ n: string }>(url, `SELECT count(*) AS n FROM catalog_searches`);
  return Number(rows[0]?.n ?? 0);
}

function fieldsOf(response: request.Response): string[] {
  return (JSON.parse(response.text) as { errors?: Array<{ field: string }> }).errors?.map((e) => e.field) ?? [];
}

describe('Provider playlists (resolve and tracks) over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(upstreamEnv(fake));
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  beforeEach(() => fake.reset());

  it('should resolve a Deezer playlist URL (with a locale) to its head, then answer it again without Deezer', async () => {
    const url = 'https://www.deezer.com/en/playlist/908622995';
    const rest = await request(sut.httpUrl).get('/v1/resolve').query({ url });
    expect(rest.status).toBe(200);
    expect(rest.headers['x-cache']).toBe('MISS');
    const body = rest.body as ResolveBody;
    expect(body).toMatchObject({ type: 'playlist', id: DEEZER_ID });
    expect(body.playlist).toMatchObject({
      id: DEEZER_ID,
      name: 'Daft Punk Essentials',
      owner: 'Deezer Editor',
      trackCount: 4,
      source: 'deezer',
    });
    // The platform's picture as other entities' images are given: the largest, with the smaller sizes as thumbnails.
    expect(body.playlist?.images.map((i) => i.width)).toEqual([1000]);
    expect(body.playlist?.images[0]?.thumbnails.map((i) => i.width)).toEqual([500, 250, 56]);
    expect(body.playlist?.images[0]?.url).toMatch(/^https:\/\/cdns-images\.dzcdn\.net\/images\/playlist\//);
    expect(fake.count('/deezer/playlist/908622995')).toBe(1);

    const rpc = await grpcCall<ResolveBody>(grpc, 'Resolve', { url: 'https://www.deezer.com/playlist/908622995' });
    expect(rpc.error).toBeUndefined();
    expect(rpc.response?.playlist).toMatchObject({ id: DEEZER_ID, name: 'Daft Punk Essentials', trackCount: 4 });
    expect(rpc.metadata?.get('x-cache')).toEqual(['HIT']);
    expect(fake.count()).toBe(1);
  });

  it('should resolve a Spotify playlist URL on both transports', async () => {
    const url = 'https://open.spotify.com/playlist/37i9dQZF1DX0XUsuxWHRQd';
    const rest = await request(sut.httpUrl).get('/v1/resolve').query({ url });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({
      type: 'playlist',
      id: SPOTIFY_ID,
      playlist: { name: 'Robot Rock', owner: 'Spotify', trackCount: 4, source: 'spotify' },
    });
    const rpc = await grpcCall<ResolveBody>(grpc, 'Resolve', { url });
    expect(rpc.response?.playlist?.id).toBe(SPOTIFY_ID);
  });

  it('should page through a playlist in order, pages disjoint, with the total, one Deezer call per page', async () => {
    const first = await request(sut.httpUrl).get(`/v1/external-playlists/${GENERATED_ID}/tracks?limit=25`);
    expect(first.status).toBe(200);
    const page1 = first.body as TracksPage;
    expect(page1).toMatchObject({ playlistId: GENERATED_ID, total: 60, limit: 25, offset: 0, unavailable: [] });
    expect(page1.items.map((t) => t.title)).toEqual(Array.from({ length: 25 }, (_v, i) => `Track ${i}`));
    expect(page1.items[0]?.id).toBe('deezer:8800000000');
    expect(fake.count('/deezer/playlist/770060/tracks')).toBe(1);

    const rpc = await grpcCall<TracksPage>(grpc, 'ListExternalPlaylistTracks', {
      id: GENERATED_ID,
      limit: 25,
      offset: 25,
    });
    expect(rpc.error).toBeUndefined();
    const page2 = rpc.response as TracksPage;
    expect(page2).toMatchObject({ playlistId: GENERATED_ID, total: 60, limit: 25, offset: 25 });
    expect(page2.items.map((t) => t.title)).toEqual(Array.from({ length: 25 }, (_v, i) => `Track ${25 + i}`));
    const ids1 = new Set(page1.items.map((t) => t.id));
    expect(page2.items.filter((t) => ids1.has(t.id))).toEqual([]);
    // One page, one call: never one call per track, and no head call for the total.
    expect(fake.count('/deezer')).toBe(2);
    expect(fake.requests('/deezer').map((r) => r.path)).toEqual([
      '/deezer/playlist/770060/tracks',
      '/deezer/playlist/770060/tracks',
    ]);

    const last = await request(sut.httpUrl).get(`/v1/external-playlists/${GENERATED_ID}/tracks?limit=25&offset=50`);
    expect((last.body as TracksPage).items.map((t) => t.title)).toEqual(
      Array.from({ length: 10 }, (_v, i) => `Track ${50 + i}`),
    );
  });

  it('should answer a page asked twice from what it kept, with zero provider calls the second time', async () => {
    const path = `/v1/external-playlists/${DEEZER_ID}/tracks?limit=10`;
    const first = await request(sut.httpUrl).get(path);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect((first.body as TracksPage).items.map((t) => t.title)).toContain('Harder, Better, Faster, Stronger');
    const asked = fake.count();
    expect(asked).toBe(1);

    const again = await request(sut.httpUrl).get(path);
    expect(again.status).toBe(200);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(first.body);
    const rpc = await grpcCall<TracksPage>(grpc, 'ListExternalPlaylistTracks', { id: DEEZER_ID, limit: 10 });
    expect(rpc.response?.items.length).toBe((first.body as TracksPage).items.length);
    expect(rpc.metadata?.get('x-cache')).toEqual(['HIT']);
    expect(fake.count()).toBe(asked);
  });

  it("should list a Spotify playlist's entries, reporting those without a track", async () => {
    const rest = await request(sut.httpUrl).get(`/v1/external-playlists/${SPOTIFY_ID}/tracks`);
    expect(rest.status).toBe(200);
    const page = rest.body as TracksPage;
    expect(page.total).toBe(4);
    expect(page.items.map((t) => t.title)).toEqual(['Harder, Better, Faster, Stronger', 'Lost In The Vault']);
    expect(page.unavailable).toEqual([
      { title: 'My Bootleg Remix', reason: 'local file' },
      { title: '', reason: 'removed from spotify' },
    ]);
  });

  it('should answer NOT_FOUND for a playlist Deezer does not know ("no data" in a 200), on both transports', async () => {
    const rest = await request(sut.httpUrl).get('/v1/external-playlists/deezer:123456789/tracks');
    expect(rest.status).toBe(404);
    expect(rest.body).toMatchObject({ code: 'NOT_FOUND' });
    const resolved = await request(sut.httpUrl)
      .get('/v1/resolve')
      .query({ url: 'https://www.deezer.com/playlist/123456789' });
    expect(resolved.status).toBe(404);
    const rpc = await grpcCall(grpc, 'ListExternalPlaylistTracks', { id: 'deezer:123456789', limit: 5 });
    expect(rpc.error?.code).toBe(GrpcStatus.NOT_FOUND);
    const rpcResolve = await grpcCall(grpc, 'Resolve', { url: 'https://www.deezer.com/playlist/123456789' });
    expect(rpcResolve.error?.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('should answer UPSTREAM_UNAVAILABLE while Deezer is down, and keep nothing', async () => {
    const before = await keptAnswers(sut.database.url);
    fake.fault('/deezer', { status: 503, retryAfter: 1 });
    const rest = await request(sut.httpUrl).get('/v1/external-playlists/deezer:770030/tracks');
    expect(rest.status).toBe(503);
    expect(rest.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const resolved = await request(sut.httpUrl)
      .get('/v1/resolve')
      .query({ url: 'https://www.deezer.com/playlist/770030' });
    expect(resolved.status).toBe(503);
    expect(resolved.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const rpc = await grpcCall(grpc, 'ListExternalPlaylistTracks', { id: 'deezer:770030' });
    expect(rpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(await keptAnswers(sut.database.url)).toBe(before);

    fake.reset();
    const back = await request(sut.httpUrl).get('/v1/external-playlists/deezer:770030/tracks');
    expect(back.status).toBe(200);
    expect(back.headers['x-cache']).toBe('MISS');
  });

  it.each([
    ['/v1/external-playlists/deezer:770060/tracks?limit=101', 'limit'],
    ['/v1/external-playlists/deezer:770060/tracks?limit=0', 'limit'],
    ['/v1/external-playlists/deezer:770060/tracks?limit=abc', 'limit'],
    ['/v1/external-playlists/deezer:770060/tracks?offset=-1', 'offset'],
    ['/v1/external-playlists/deezer:770060/tracks?offset=10001', 'offset'],
    ['/v1/external-playlists/deezer:abc/tracks', 'id'],
    ['/v1/external-playlists/770060/tracks', 'id'],
    ['/v1/external-playlists/itunes:123/tracks', 'id'],
    ['/v1/external-playlists/spotify:short/tracks', 'id'],
  ])('should reject %s with 400 naming %s, asking and storing nothing', async (path, field) => {
    const before = await keptAnswers(sut.database.url);
    const response = await request(sut.httpUrl).get(path);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(fieldsOf(response)).toContain(field);
    expect(await keptAnswers(sut.database.url)).toBe(before);
    expect(fake.count()).toBe(0);
  });

  it('should reject the same bad input over gRPC with INVALID_ARGUMENT, asking nothing', async () => {
    const results = await Promise.all([
      grpcCall(grpc, 'ListExternalPlaylistTracks', { id: GENERATED_ID, limit: 101 }),
      grpcCall(grpc, 'ListExternalPlaylistTracks', { id: GENERATED_ID, offset: 10_001 }),
      grpcCall(grpc, 'ListExternalPlaylistTracks', { id: 'itunes:123' }),
      grpcCall(grpc, 'ListExternalPlaylistTracks', { id: '' }),
      grpcCall(grpc, 'Resolve', { url: 'https://www.deezer.com/playlist/abc' }),
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(Array(5).fill(GrpcStatus.INVALID_ARGUMENT));
    expect(fake.count()).toBe(0);
  });

  describe('with Spotify not configured', () => {
    let bare: TestApp;
    let bareGrpc: Client;

    beforeAll(async () => {
      bare = await bootTestApp(upstreamEnv(fake, { SPOTIFY_CLIENT_ID: '', SPOTIFY_CLIENT_SECRET: '' }));
      bareGrpc = grpcClient(bare.grpcAddress, 'chorus.v1.CatalogService');
    });

    afterAll(async () => {
      bareGrpc.close();
      await bare.close();
    });

    it('should refuse Spotify playlists with 400 saying Spotify is not enabled, asking nothing', async () => {
      const tracks = await request(bare.httpUrl).get(`/v1/external-playlists/${SPOTIFY_ID}/tracks`);
      expect(tracks.status).toBe(400);
      expect(fieldsOf(tracks)).toEqual(['id']);
      expect(tracks.body.detail).toMatch(/spotify is not enabled/);
      const resolved = await request(bare.httpUrl)
        .get('/v1/resolve')
        .query({ url: 'https://open.spotify.com/playlist/37i9dQZF1DX0XUsuxWHRQd' });
      expect(resolved.status).toBe(400);
      expect(fieldsOf(resolved)).toEqual(['url']);
      const rpc = await grpcCall(bareGrpc, 'ListExternalPlaylistTracks', { id: SPOTIFY_ID });
      expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(rpc.error?.details).toMatch(/spotify is not enabled/);
      expect(fake.count('/spotify')).toBe(0);
    });
  });
});
