import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DAFT_PUNK_MB = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
/** Its MusicBrainz record links Deezer artist 415 ("free streaming"). */
const NIRVANA_MB = 'musicbrainz:5b11f4ce-a62d-471e-81fc-a69a8278c7da';
/** No platform links, and Deezer's search knows no artist of that name in the fixtures. */
const LADY_GAGA_MB = 'musicbrainz:650e7db6-b795-4eb5-a702-5ea2fc46c848';
const HBFS_DEEZER = 'deezer:3135556';
const ONE_MORE_TIME_MB = 'musicbrainz:2d3c4b5a-6e7f-4a8b-9c0d-1e2f3a4b5c6d';

interface Failure {
  provider: string;
  code: string;
  message: string;
}

interface SimilarArtists {
  artistId: string;
  deezerArtistId: string;
  items: Array<{ id: string; name: string; images: unknown[] }>;
  total: number;
  limit: number;
  offset: number;
  status: string;
  failures: Failure[];
}

interface SimilarTracks extends Omit<SimilarArtists, 'items'> {
  trackId: string;
  items: Array<{ id: string; title: string; artistCredit: Array<{ name: string }> }>;
}

async function keptLists(url: string): Promise<number> {
  const rows = await queryDatabase<{ n: string }>(url, `SELECT count(*) AS n FROM catalog_searches`);
  return Number(rows[0]?.n ?? 0);
}

describe('Similar artists and tracks over REST and gRPC', () => {
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

  it.each([
    ['/v1/artists/deezer:27/similar?limit=51', 'limit'],
    ['/v1/artists/deezer:27/similar?limit=0', 'limit'],
    ['/v1/tracks/deezer:3135556/similar?limit=abc', 'limit'],
    ['/v1/tracks/deezer:3135556/similar?offset=-1', 'offset'],
    ['/v1/artists/deezer:abc/similar', 'id'],
    ['/v1/tracks/not-an-id/similar', 'id'],
  ])('should reject %s with 400 naming %s, asking and storing nothing', async (path, field) => {
    const before = await keptLists(sut.database.url);
    const response = await request(sut.httpUrl).get(path);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect((JSON.parse(response.text) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(
      field,
    );
    expect(await keptLists(sut.database.url)).toBe(before);
    expect(fake.count()).toBe(0);
  });

  it('should reject the same bad input over gRPC with INVALID_ARGUMENT', async () => {
    const results = await Promise.all([
      grpcCall(grpc, 'ListSimilarArtists', { id: 'deezer:27', limit: 51 }),
      grpcCall(grpc, 'ListSimilarTracks', { id: 'spotify:short', limit: 5 }),
      grpcCall(grpc, 'ListSimilarTracks', { id: HBFS_DEEZER, offset: 51 }),
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(Array(3).fill(GrpcStatus.INVALID_ARGUMENT));
    expect(fake.count()).toBe(0);
  });

  it('should answer UPSTREAM_UNAVAILABLE while Deezer, the only source, is down, and keep nothing', async () => {
    fake.fault('/deezer', { status: 503, retryAfter: 1 });
    const rest = await request(sut.httpUrl).get('/v1/artists/deezer:27/similar');
    expect(rest.status).toBe(503);
    expect(rest.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const rpc = await grpcCall(grpc, 'ListSimilarArtists', { id: 'deezer:27' });
    expect(rpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(await keptLists(sut.database.url)).toBe(0);
  });

  it("should list Deezer's related artists of a Deezer artist, paged, and keep them", async () => {
    const rest = await request(sut.httpUrl).get('/v1/artists/deezer:27/similar?limit=3');
    expect(rest.status).toBe(200);
    expect(rest.headers['x-cache']).toBe('MISS');
    const body = rest.body as SimilarArtists;
    expect(body).toMatchObject({ artistId: 'deezer:27', deezerArtistId: 'deezer:27', total: 6, limit: 3, offset: 0 });
    expect(body.status).toBe('OK');
    expect(body.items.map((a) => [a.id, a.name])).toEqual([
      ['deezer:103', 'Pharrell Williams'],
      ['deezer:7207', 'Nile Rodgers'],
      ['deezer:1303', 'Justice'],
    ]);
    expect(body.items[0]?.images.length).toBeGreaterThan(0);
    expect(fake.count('/deezer/artist/27/related')).toBe(1);

    const rpc = await grpcCall<SimilarArtists>(grpc, 'ListSimilarArtists', { id: 'deezer:27', limit: 3, offset: 3 });
    expect(rpc.response?.items.map((a) => a.id)).toEqual(['deezer:5313', 'deezer:1476', 'deezer:4138']);
    expect(rpc.response?.total).toBe(6);
    expect(rpc.metadata?.get('x-cache')).toEqual(['HIT']);
    expect(fake.count('/deezer/artist/27/related')).toBe(1);
  });

  it('should reach Deezer from a MusicBrainz artist through its Deezer link, then through its name', async () => {
    const linked = await request(sut.httpUrl).get(`/v1/artists/${NIRVANA_MB}/similar`);
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ artistId: NIRVANA_MB, deezerArtistId: 'deezer:415', total: 3 });
    expect(fake.count('/deezer/search')).toBe(0);

    const named = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK_MB}/similar?limit=2`);
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ artistId: DAFT_PUNK_MB, deezerArtistId: 'deezer:27', total: 6 });
    expect(fake.count('/deezer/search/artist')).toBe(1);
  });

  it('should answer an empty list, and keep it, for an artist Deezer has no counterpart of', async () => {
    const first = await request(sut.httpUrl).get(`/v1/artists/${LADY_GAGA_MB}/similar`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ artistId: LADY_GAGA_MB, deezerArtistId: '', items: [], total: 0, status: 'OK' });
    const asked = fake.count();
    const rpc = await grpcCall<SimilarArtists>(grpc, 'ListSimilarArtists', { id: LADY_GAGA_MB });
    expect(rpc.response?.total ?? 0).toBe(0);
    expect(fake.count()).toBe(asked);
  });

  it('should answer NOT_FOUND for an artist Deezer does not know ("no data"), on both transports', async () => {
    const rest = await request(sut.httpUrl).get('/v1/artists/deezer:999999999/similar');
    expect(rest.status).toBe(404);
    expect(rest.body).toMatchObject({ code: 'NOT_FOUND' });
    const rpc = await grpcCall(grpc, 'ListSimilarTracks', { id: 'deezer:999999999' });
    expect(rpc.error?.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it("should answer PARTIAL naming Deezer when one related artist's top tracks fail, and not keep it", async () => {
    fake.fault('/deezer/artist/1303/top', { status: 503 });
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${HBFS_DEEZER}/similar?limit=50`);
    expect(rest.status).toBe(200);
    const body = rest.body as SimilarTracks;
    expect(body.status).toBe('PARTIAL');
    expect(body.failures).toEqual([expect.objectContaining({ provider: 'deezer', code: 'UPSTREAM_UNAVAILABLE' })]);
    expect(body.items.map((t) => t.title)).not.toContain('D.A.N.C.E.');
    expect(body.total).toBe(14);
    expect(rest.headers['cache-control']).not.toMatch(/max-age=[1-9]/);
    const rpc = await grpcCall<SimilarTracks>(grpc, 'ListSimilarTracks', { id: HBFS_DEEZER });
    expect(rpc.response?.status).toBe('PARTIAL');

    fake.clearFaults();
    fake.clearLog();
    const healed = await request(sut.httpUrl).get(`/v1/tracks/${HBFS_DEEZER}/similar?limit=50`);
    expect(healed.body).toMatchObject({ status: 'OK', total: 19 });
    // Only the part that failed is asked again; the other artists' top tracks were kept.
    expect(fake.requests('/deezer').map((r) => r.path)).toEqual(['/deezer/artist/1303/top']);
  });

  it('should merge related top tracks in turns, one per recording, from a MusicBrainz track too', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${ONE_MORE_TIME_MB}/similar?limit=6`);
    expect(rest.status).toBe(200);
    const body = rest.body as SimilarTracks;
    expect(body).toMatchObject({
      trackId: ONE_MORE_TIME_MB,
      artistId: DAFT_PUNK_MB,
      deezerArtistId: 'deezer:27',
      total: 19,
      status: 'OK',
    });
    expect(body.items.map((t) => [t.id, t.title])).toEqual([
      ['deezer:1510032', 'Happy'],
      ['deezer:67238735', 'Get Lucky'],
      ['deezer:3095281', 'D.A.N.C.E.'],
      ['deezer:882211', 'Feeling for You'],
      ['deezer:2410731', 'Music Sounds Better with You'],
      ['deezer:1067361', 'Le Freak'],
    ]);
    const all = await grpcCall<SimilarTracks>(grpc, 'ListSimilarTracks', { id: ONE_MORE_TIME_MB, limit: 50 });
    const titles = all.response?.items.map((t) => t.title) ?? [];
    expect(titles).toHaveLength(19);
    // Get Lucky is in two artists' top lists, once more under another album's id: one recording, listed once.
    expect(titles.filter((title) => title === 'Get Lucky')).toHaveLength(1);
  });

  it('should make no provider call when asked again, on either transport', async () => {
    await request(sut.httpUrl).get(`/v1/tracks/${HBFS_DEEZER}/similar`);
    await request(sut.httpUrl).get('/v1/artists/deezer:27/similar');
    fake.clearLog();
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${HBFS_DEEZER}/similar?limit=10&offset=5`);
    expect(rest.status).toBe(200);
    expect(rest.headers['x-cache']).toBe('HIT');
    expect(rest.body).toMatchObject({ status: 'OK', total: 19, offset: 5 });
    const rpc = await grpcCall<SimilarArtists>(grpc, 'ListSimilarArtists', { id: 'deezer:27', limit: 50 });
    expect(rpc.response?.total).toBe(6);
    const again = await grpcCall<SimilarTracks>(grpc, 'ListSimilarTracks', { id: HBFS_DEEZER });
    expect(again.response?.status).toBe('OK');
    expect(fake.count()).toBe(0);
  });
});
