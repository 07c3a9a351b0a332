import { createHash } from 'node:crypto';
import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { FAKE_IMAGE_BYTES } from '../fake-upstream/fake-upstream.routes';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const DISCOVERY_RELEASE = 'musicbrainz:5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70';
const HBFS = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
const UNKNOWN_MBID = '00000000-0000-4000-8000-000000000000';

async function rowCounts(url: string): Promise<Record<string, number>> {
  const rows = await queryDatabase<{ table: string; n: string }>(
    url,
    `SELECT 'artists' AS table, count(*) AS n FROM catalog_artists UNION ALL
     SELECT 'tracks', count(*) FROM catalog_tracks UNION ALL SELECT 'searches', count(*) FROM catalog_searches UNION ALL
     SELECT 'misses', count(*) FROM catalog_misses`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.n)]));
}

describe('Catalog over REST and gRPC', () => {
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

  it('should look up an artist once from the provider and then from the catalog, on both transports', async () => {
    const first = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.body).toMatchObject({ id: DAFT_PUNK, name: 'Daft Punk' });
    const second = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
    expect(second.headers['x-cache']).toBe('HIT');
    const overGrpc = await grpcCall<{ id: string; name: string }>(grpc, 'GetArtist', { id: DAFT_PUNK });
    expect(overGrpc.response).toMatchObject({ id: DAFT_PUNK, name: 'Daft Punk' });
    expect(fake.count('/musicbrainz/ws/2/artist')).toBe(1);
  });

  it('should keep every lookup path of a fetched entity: ids, ISRCs, images and tags', async () => {
    await request(sut.httpUrl).get('/v1/tracks/deezer:3135556');
    const [row] = await queryDatabase<{ ids: string; isrcs: string }>(
      sut.database.url,
      `SELECT (SELECT count(*) FROM catalog_external_ids WHERE entity_id = t.id) AS ids,
              (SELECT count(*) FROM catalog_isrcs WHERE track_id = t.id) AS isrcs
         FROM catalog_tracks t WHERE t.public_id = 'deezer:3135556'`,
    );
    expect(Number(row.ids)).toBeGreaterThanOrEqual(1);
    expect(Number(row.isrcs)).toBe(1);
    const artist = await request(sut.httpUrl).get('/v1/artists/deezer:27');
    const images = await queryDatabase<{ n: string }>(
      sut.database.url,
      `SELECT count(*) AS n FROM catalog_images i JOIN catalog_artists a ON a.id = i.entity_id WHERE a.public_id = 'deezer:27'`,
    );
    const expected = (artist.body as { images: unknown[] }).images.length;
    expect(expected).toBeGreaterThan(0);
    expect(Number(images[0].n)).toBe(expected);
  });

  it('should accept a bare MBID as a MusicBrainz id', async () => {
    const response = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK.replace('musicbrainz:', '')}`);
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(DAFT_PUNK);
  });

  it('should answer an album with its tracks and a release with its media', async () => {
    const album = await request(sut.httpUrl).get(`/v1/albums/${DISCOVERY}`);
    expect(album.status).toBe(200);
    expect(album.body.title).toBe('Discovery');
    expect(album.body.tracks.length).toBeGreaterThan(0);
    const release = await grpcCall<{ media: Array<{ tracks: unknown[] }> }>(grpc, 'GetRelease', {
      id: DISCOVERY_RELEASE,
    });
    expect(release.response?.media[0].tracks.length).toBeGreaterThan(0);
  });

  it('should look up a track by ISRC and an album by barcode', async () => {
    const track = await request(sut.httpUrl).get('/v1/tracks/by-isrc/GBDUW0000059');
    expect(track.status).toBe(200);
    expect(track.body.isrcs).toContain('GBDUW0000059');
    const album = await grpcCall<{ id: string }>(grpc, 'GetAlbumByBarcode', { barcode: '724384960650' });
    expect(album.response?.id).toBe(DISCOVERY);
  });

  it('should answer 304 to a matching If-None-Match', async () => {
    const first = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`);
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['cache-control']).toMatch(/max-age=\d+/);
    const again = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`).set('if-none-match', first.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('should answer NOT_FOUND for an unknown id and remember it', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/artists/${UNKNOWN_MBID}`);
    expect(rest.status).toBe(404);
    const rpc = await grpcCall(grpc, 'GetArtist', { id: UNKNOWN_MBID });
    expect(rpc.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(fake.count('/musicbrainz/ws/2/artist')).toBe(1);
  });

  it.each([
    ['/v1/artists/not-an-id', 'id'],
    ['/v1/artists/deezer:abc', 'id'],
    ['/v1/releases/deezer:123', 'id'],
    ['/v1/tracks/by-isrc/XX123', 'isrc'],
    ['/v1/albums/by-barcode/724384960651', 'barcode'],
    ['/v1/search?q=x&type=track&limit=1000', 'limit'],
    ['/v1/search?q=x&type=song', 'type'],
    ['/v1/search?q=x&type=track&providers=napster', 'providers'],
    ['/v1/resolve?url=https://evil.example.com/track/1', 'url'],
  ])('should reject %s with 400 naming %s and store nothing', async (path, field) => {
    const before = await rowCounts(sut.database.url);
    const response = await request(sut.httpUrl).get(path);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await rowCounts(sut.database.url)).toEqual(before);
    expect(fake.count()).toBe(0);
  });

  it('should reject the same bad input over gRPC with INVALID_ARGUMENT', async () => {
    const results = await Promise.all([
      grpcCall(grpc, 'GetTrack', { id: 'spotify:tooshort' }),
      grpcCall(grpc, 'GetTrackByIsrc', { isrc: '123' }),
      grpcCall(grpc, 'Search', { q: 'x', type: 'track', limit: 500 }),
      grpcCall(grpc, 'Resolve', { url: 'file:///etc/passwd' }),
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(Array(4).fill(GrpcStatus.INVALID_ARGUMENT));
  });

  it('should merge the same track from several providers into one hit with every id', async () => {
    const response = await request(sut.httpUrl).get('/v1/search?q=harder better faster stronger&type=track');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('OK');
    const hbfs = response.body.items.filter((i: { title: string }) => /harder/i.test(i.title));
    expect(hbfs).toHaveLength(1);
    expect(hbfs[0].ids).toEqual(expect.arrayContaining([HBFS, 'deezer:3135556']));
    expect(hbfs[0].sources[0]).toBe('musicbrainz');
  });

  it('should answer a partial search when one provider fails', async () => {
    fake.fault('/deezer/search', { status: 500 });
    const response = await request(sut.httpUrl).get('/v1/search?q=daft punk&type=artist');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('PARTIAL');
    expect(response.body.failures).toEqual([
      expect.objectContaining({ provider: 'deezer', code: 'UPSTREAM_UNAVAILABLE' }),
    ]);
    expect(response.body.items.length).toBeGreaterThan(0);
    const rpc = await grpcCall<{ status: string }>(grpc, 'Search', { q: 'daft punk', type: 'artist' });
    expect(rpc.response?.status).toBe('PARTIAL');
  });

  it('should answer UPSTREAM_UNAVAILABLE when every provider fails and nothing is kept', async () => {
    fake.fault('/', { status: 503, retryAfter: 1 });
    const rest = await request(sut.httpUrl).get('/v1/search?q=never asked&type=album');
    expect(rest.status).toBe(503);
    expect(rest.headers['retry-after']).toBeDefined();
    const rpc = await grpcCall(grpc, 'GetArtist', { id: 'deezer:424242' });
    expect(rpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    // gRPC has no `failures` member: the detail itself names each provider and why it failed.
    const search = await grpcCall(grpc, 'Search', { q: 'never asked over grpc', type: 'album' });
    expect(search.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(search.error?.details).toMatch(/^Every provider failed to answer the search: musicbrainz \(.+\), deezer \(/);
  });

  it('should give lyrics, cover art, links and artist albums', async () => {
    const lyrics = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}/lyrics`);
    expect(lyrics.status).toBe(200);
    expect(lyrics.body.syncedLyrics ?? lyrics.body.plainLyrics).toBeTruthy();
    const cover = await grpcCall<{ images: unknown[] }>(grpc, 'GetAlbumCoverArt', { id: DISCOVERY });
    expect(cover.response?.images.length).toBeGreaterThan(0);
    const links = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}/links`);
    expect(links.status).toBe(200);
    const platforms = links.body.links.map((l: { platform: string }) => l.platform);
    expect(platforms).toEqual(expect.arrayContaining(['deezer', 'spotify']));
    expect(links.body.links.find((l: { platform: string }) => l.platform === 'deezer').matchedBy).toBe('isrc');
    const albums = await grpcCall<{ items: unknown[] }>(grpc, 'ListArtistAlbums', { id: 'deezer:27', limit: 10 });
    expect(albums.error).toBeUndefined();
  });

  it.each([
    ['https://musicbrainz.org/artist/056e4f3e-d505-4dad-8ec1-d04f521cbb56', 'artist', DAFT_PUNK],
    ['https://musicbrainz.org/release-group/48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f', 'album', DISCOVERY],
    ['https://musicbrainz.org/recording/7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b', 'track', HBFS],
    ['https://www.deezer.com/en/track/3135556', 'track', 'deezer:3135556'],
    ['https://www.deezer.com/album/302127', 'album', 'deezer:302127'],
    ['https://open.spotify.com/track/5W3cjX2J3tjhG8zb6u0qHn', 'track', 'spotify:5W3cjX2J3tjhG8zb6u0qHn'],
    ['https://www.deezer.com/playlist/908622995', 'playlist', 'deezer:908622995'],
  ])('should resolve %s', async (url, type, id) => {
    const response = await request(sut.httpUrl).get('/v1/resolve').query({ url });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ type, id });
  });

  it('should relay the front cover bytes with caching headers over REST and gRPC', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/cover/${DISCOVERY}?size=250`).buffer(true);
    expect(rest.status).toBe(200);
    expect(rest.headers['content-type']).toBe('image/jpeg');
    expect(rest.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(Buffer.from(rest.body as Buffer).toString()).toBe(FAKE_IMAGE_BYTES);
    const again = await request(sut.httpUrl)
      .get(`/v1/cover/${DISCOVERY}?size=250`)
      .set('if-none-match', String(rest.headers.etag));
    expect(again.status).toBe(304);
    // Strong, the sha256 of the bytes: the cover store's content hash.
    expect(rest.headers.etag).toBe(`"${createHash('sha256').update(FAKE_IMAGE_BYTES).digest('hex')}"`);
    expect(fake.requests('/coverartarchive/release').at(-1)?.path).toMatch(/-250\.jpg$/);
    const rpc = await grpcCall<{ contentType: string; data: Buffer }>(grpc, 'GetCover', {
      id: DISCOVERY,
      size: 'original',
    });
    expect(rpc.response?.contentType).toBe('image/jpeg');
    expect(Buffer.from(rpc.response?.data ?? []).toString()).toBe(FAKE_IMAGE_BYTES);
    const badSize = await request(sut.httpUrl).get(`/v1/cover/${DISCOVERY}?size=99`);
    expect(badSize.status).toBe(400);
  });

  it('should let only an admin purge an entity, after which the provider is asked again', async () => {
    const user = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .send({ email: 'curator@example.com', password: 'a long enough password' });
    const token = user.body.tokens.accessToken as string;
    const path = `/v1/admin/catalog/entities/artist/${DAFT_PUNK}`;
    expect((await request(sut.httpUrl).delete(path)).status).toBe(401);
    expect((await request(sut.httpUrl).delete(path).set('authorization', `Bearer ${token}`)).status).toBe(403);
    await queryDatabase(sut.database.url, `UPDATE auth_users SET role = 'admin' WHERE email = 'curator@example.com'`);
    await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
    const crossRefs = async () =>
      queryDatabase(sut.database.url, `SELECT platform FROM catalog_cross_refs WHERE entity_public_id = $1`, [
        DAFT_PUNK,
      ]);
    // Its Discogs URL relation, kept with it, and forgotten with it.
    expect(await crossRefs()).toEqual([{ platform: 'discogs' }]);
    fake.reset();
    const purged = await request(sut.httpUrl).delete(path).set('authorization', `Bearer ${token}`);
    expect(purged.status).toBe(200);
    expect(await crossRefs()).toEqual([]);
    // An admin's answer is not a lookup: nothing for clients or shared caches to keep.
    expect(purged.headers.etag).toBeUndefined();
    expect(purged.body.removed).toBe(1);
    const again = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`);
    expect(again.headers['x-cache']).toBe('MISS');
    expect(fake.count('/musicbrainz/ws/2/artist')).toBe(1);
    const rpc = await grpcCall<{ removed: number }>(
      grpc,
      'PurgeSearch',
      { q: 'daft punk', type: 'artist' },
      { authorization: `Bearer ${token}` },
    );
    expect(rpc.error).toBeUndefined();
    const denied = await grpcCall(grpc, 'PurgeSearch', { q: 'daft punk', type: 'artist' });
    expect(denied.error?.code).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it.each([
    ['/v1/search?q=daft punk&type=album', 'Search', { q: 'daft punk', type: 'album' }, 'status'],
    [`/v1/artists/${DAFT_PUNK}`, 'GetArtist', { id: DAFT_PUNK }, 'id'],
    ['/v1/artists/deezer:27/albums?limit=5', 'ListArtistAlbums', { id: 'deezer:27', limit: 5 }, 'total'],
    [`/v1/albums/${DISCOVERY}`, 'GetAlbum', { id: DISCOVERY }, 'id'],
    [`/v1/releases/${DISCOVERY_RELEASE}`, 'GetRelease', { id: DISCOVERY_RELEASE }, 'id'],
    [`/v1/tracks/${HBFS}`, 'GetTrack', { id: HBFS }, 'id'],
    ['/v1/tracks/by-isrc/GBDUW0000059', 'GetTrackByIsrc', { isrc: 'GBDUW0000059' }, 'id'],
    ['/v1/albums/by-barcode/724384960650', 'GetAlbumByBarcode', { barcode: '724384960650' }, 'id'],
    [
      '/v1/resolve?url=https://www.deezer.com/track/3135556',
      'Resolve',
      { url: 'https://www.deezer.com/track/3135556' },
      'id',
    ],
    [`/v1/albums/${DISCOVERY}/cover-art`, 'GetAlbumCoverArt', { id: DISCOVERY }, 'albumId'],
    [`/v1/tracks/${HBFS}/lyrics`, 'GetTrackLyrics', { id: HBFS }, 'trackId'],
    [`/v1/tracks/${HBFS}/links`, 'GetTrackLinks', { id: HBFS }, 'trackId'],
  ])('should answer %s and CatalogService/%s alike', async (path, method, body, key) => {
    const rest = await request(sut.httpUrl).get(path);
    const rpc = await grpcCall<Record<string, unknown>>(grpc, method, body);
    expect(rest.status).toBe(200);
    expect(rpc.error).toBeUndefined();
    expect(rpc.response?.[key]).toEqual(rest.body[key]);
  });
});
