import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** Fixtures: Digital Love is on Deezer only; RAM's UPC only Deezer keeps (12 digits) and MusicBrainz's search
 * answers it with releases carrying other barcodes; the Dreamcatcher EP's UPC only iTunes keeps (13 digits). */
const DEEZER_ONLY_ISRC = 'GBDUW0000054';
const DEEZER_ONLY_UPC_13 = '0886443927087';
const ITUNES_ONLY_UPC_12 = '196588012341';
const DIE_WITH_A_SMILE_UPC = '602475093060';
/** Only Spotify keeps this UPC; for the second, Spotify's fuzzy search answers Discovery, whose UPC is another. */
const SPOTIFY_ONLY_UPC = '889851234563';
const SPOTIFY_NEAR_MISS_UPC = '889851234570';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const PROVIDERS = ['/musicbrainz', '/deezer', '/itunes', '/spotify'];

interface Coded {
  id: string;
  title: string;
  source: string;
}

async function storedCounts(url: string): Promise<{ misses: number; barcodes: number }> {
  const [row] = await queryDatabase<{ misses: string; barcodes: string }>(
    url,
    `SELECT (SELECT count(*) FROM catalog_misses) AS misses, (SELECT count(*) FROM catalog_barcodes) AS barcodes`,
  );
  return { misses: Number(row.misses), barcodes: Number(row.barcodes) };
}

describe('Lookups by code fall through the providers, over REST and gRPC', () => {
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

  it('should answer an ISRC only Deezer knows with the Deezer track, on both transports', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/tracks/by-isrc/${DEEZER_ONLY_ISRC}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ id: 'deezer:3135554', title: 'Digital Love', source: 'deezer' });
    expect(fake.count('/musicbrainz/ws/2/isrc')).toBe(1);
    const rpc = await grpcCall<Coded>(grpc, 'GetTrackByIsrc', { isrc: DEEZER_ONLY_ISRC });
    expect(rpc.response).toMatchObject({ id: 'deezer:3135554', source: 'deezer' });
  });

  it('should answer a barcode only Deezer knows, not taking the release of another barcode MusicBrainz found', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/albums/by-barcode/${DEEZER_ONLY_UPC_13}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ id: 'deezer:6575789', title: 'Random Access Memories', source: 'deezer' });
    expect(fake.count('/musicbrainz/ws/2/release')).toBe(1);
    expect(fake.count('/musicbrainz/ws/2/release-group')).toBe(0);
    const rpc = await grpcCall<Coded>(grpc, 'GetAlbumByBarcode', { barcode: DEEZER_ONLY_UPC_13.slice(1) });
    expect(rpc.response).toMatchObject({ id: 'deezer:6575789', source: 'deezer' });
  });

  it('should answer a barcode only iTunes knows, asking it in the spelling it keeps', async () => {
    const rpc = await grpcCall<Coded>(grpc, 'GetAlbumByBarcode', { barcode: ITUNES_ONLY_UPC_12 });
    expect(rpc.error).toBeUndefined();
    expect(rpc.response).toMatchObject({ id: 'itunes:1728639278', source: 'itunes' });
    const upcs = fake.requests('/itunes/lookup').map((r) => r.query.upc);
    expect(upcs).toEqual([ITUNES_ONLY_UPC_12, `0${ITUNES_ONLY_UPC_12}`]);
    const rest = await request(sut.httpUrl).get(`/v1/albums/by-barcode/0${ITUNES_ONLY_UPC_12}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ id: 'itunes:1728639278', source: 'itunes' });
  });

  it('should answer a barcode only Spotify knows through its upc: search, on both transports', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/albums/by-barcode/${SPOTIFY_ONLY_UPC}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ id: 'spotify:3SpotifyOnlyUpcAlbum00', source: 'spotify' });
    // Every provider before it was asked and did not know the code.
    expect(fake.count('/musicbrainz/ws/2/release')).toBe(1);
    expect(fake.count(`/deezer/album/upc:${SPOTIFY_ONLY_UPC}`)).toBe(1);
    expect(fake.requests('/itunes/lookup').map((r) => r.query.upc)).toContain(SPOTIFY_ONLY_UPC);
    expect(fake.requests('/spotify/v1/search').map((r) => r.query.q)).toContain(`upc:${SPOTIFY_ONLY_UPC}`);
    const rpc = await grpcCall<Coded>(grpc, 'GetAlbumByBarcode', { barcode: `0${SPOTIFY_ONLY_UPC}` });
    expect(rpc.error).toBeUndefined();
    expect(rpc.response).toMatchObject({ id: 'spotify:3SpotifyOnlyUpcAlbum00', source: 'spotify' });
  });

  it('should not take a Spotify search hit whose album carries another barcode', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/albums/by-barcode/${SPOTIFY_NEAR_MISS_UPC}`);
    expect(rest.status).toBe(404);
    expect(fake.requests('/spotify/v1/search').map((r) => r.query.q)).toContain(`upc:${SPOTIFY_NEAR_MISS_UPC}`);
    const rpc = await grpcCall(grpc, 'GetAlbumByBarcode', { barcode: SPOTIFY_NEAR_MISS_UPC });
    expect(rpc.error?.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('should give the 12- and 13-digit forms of one barcode one answer, asked once', async () => {
    const twelve = await request(sut.httpUrl).get('/v1/albums/by-barcode/724384960650');
    const thirteen = await request(sut.httpUrl).get('/v1/albums/by-barcode/0724384960650');
    const fourteen = await grpcCall<Coded>(grpc, 'GetAlbumByBarcode', { barcode: '00724384960650' });
    expect(twelve.status).toBe(200);
    expect(twelve.body).toMatchObject({ id: DISCOVERY, source: 'musicbrainz' });
    expect(thirteen.body.id).toBe(DISCOVERY);
    expect(fourteen.response?.id).toBe(DISCOVERY);
    expect(fake.requests('/musicbrainz/ws/2/release').filter((r) => r.query.query)).toHaveLength(1);
  });

  it('should refuse a wrong check digit naming barcode, asking and storing nothing', async () => {
    const before = await storedCounts(sut.database.url);
    const rest = await request(sut.httpUrl).get('/v1/albums/by-barcode/724384960651');
    expect(rest.status).toBe(400);
    expect(rest.body.errors).toEqual([expect.objectContaining({ field: 'barcode' })]);
    const rpc = await grpcCall(grpc, 'GetAlbumByBarcode', { barcode: '0724384960651' });
    expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(fake.count()).toBe(0);
    expect(await storedCounts(sut.database.url)).toEqual(before);
  });

  it('should answer 503 naming the providers when every one is down, and not remember a miss', async () => {
    for (const prefix of PROVIDERS) {
      fake.fault(prefix, { status: 503 });
    }
    const rest = await request(sut.httpUrl).get(`/v1/albums/by-barcode/${DIE_WITH_A_SMILE_UPC}`);
    expect(rest.status).toBe(503);
    expect(rest.headers['retry-after']).toBeDefined();
    expect(rest.body.detail).toMatch(/musicbrainz.*deezer.*itunes.*spotify/);
    const rpc = await grpcCall(grpc, 'GetTrackByIsrc', { isrc: 'USUM72409273' });
    expect(rpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    const misses = await queryDatabase(sut.database.url, `SELECT key FROM catalog_misses WHERE key LIKE $1`, [
      `barcode:%${DIE_WITH_A_SMILE_UPC}`,
    ]);
    expect(misses).toEqual([]);

    fake.clearFaults();
    const again = await request(sut.httpUrl).get(`/v1/albums/by-barcode/${DIE_WITH_A_SMILE_UPC}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: 'deezer:629506181', source: 'deezer' });
  });

  it('should remember a miss only when every provider answered that it does not know the code', async () => {
    const unknown = await request(sut.httpUrl).get('/v1/tracks/by-isrc/ZZXXX9900001');
    expect(unknown.status).toBe(404);
    expect(fake.count('/deezer/track/isrc:ZZXXX9900001')).toBe(1);
    expect(fake.count('/spotify/v1/search')).toBe(1);
    const again = await grpcCall(grpc, 'GetTrackByIsrc', { isrc: 'ZZXXX9900001' });
    expect(again.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(fake.count('/deezer/track/isrc:ZZXXX9900001')).toBe(1);
  });
});
