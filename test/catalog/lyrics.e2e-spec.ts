import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DIE_WITH_A_SMILE = 'deezer:2947516331';
const ONE_MORE_TIME = 'deezer:3135553';
const ONE_MORE_TIME_MB = 'musicbrainz:2d3c4b5a-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const VOYAGER = 'deezer:3135561';

describe('Lyrics: exact signature, then without the album, then LrcLib search, over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  const lrclibCalls = () => fake.requests('/lrclib/api').map((r) => [r.path, r.query.album_name ?? null]);
  const misses = async (trackId: string) =>
    (
      await queryDatabase<{ n: string }>(sut.database.url, `SELECT count(*) AS n FROM catalog_misses WHERE key = $1`, [
        `lyrics:${trackId}`,
      ])
    )[0].n;

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

  it('should find lyrics without the album when LrcLib files the track under another album', async () => {
    const response = await request(sut.httpUrl).get(`/v1/tracks/${DIE_WITH_A_SMILE}/lyrics`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ trackId: DIE_WITH_A_SMILE, albumName: 'MAYHEM', instrumental: false });
    expect(response.body.syncedLyrics).toBeTruthy();
    expect(lrclibCalls()).toEqual([
      ['/lrclib/api/get', 'Die With A Smile'],
      ['/lrclib/api/get', null],
    ]);
    const overGrpc = await grpcCall<{ albumName: string }>(grpc, 'GetTrackLyrics', { id: DIE_WITH_A_SMILE });
    expect(overGrpc.response?.albumName).toBe('MAYHEM');
    expect(fake.count('/lrclib')).toBe(2);
  });

  it('should find lyrics through LrcLib search: same title and artist within ±2 s, not a shorter edit', async () => {
    const overGrpc = await grpcCall<{ trackName: string; artistName: string; durationMs: number }>(
      grpc,
      'GetTrackLyrics',
      { id: ONE_MORE_TIME },
    );
    expect(overGrpc.error).toBeUndefined();
    expect(overGrpc.response).toMatchObject({ artistName: 'Daft Punk feat. Romanthony', durationMs: 320_000 });
    expect(lrclibCalls().map(([path]) => path)).toEqual(['/lrclib/api/get', '/lrclib/api/get', '/lrclib/api/search']);
    const overRest = await request(sut.httpUrl).get(`/v1/tracks/${ONE_MORE_TIME_MB}/lyrics`);
    expect(overRest.status).toBe(200);
    expect(overRest.body.artistName).toBe('Daft Punk feat. Romanthony');
  });

  it('should remember a miss only after all three ways answered "no"', async () => {
    const first = await request(sut.httpUrl).get(`/v1/tracks/${VOYAGER}/lyrics`);
    expect(first.status).toBe(404);
    expect(lrclibCalls()).toEqual([
      ['/lrclib/api/get', 'Discovery'],
      ['/lrclib/api/get', null],
      ['/lrclib/api/search', null],
    ]);
    expect(await misses(VOYAGER)).toBe('1');
    const again = await grpcCall(grpc, 'GetTrackLyrics', { id: VOYAGER });
    expect(again.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(fake.count('/lrclib')).toBe(3);
  });

  it('should answer UPSTREAM_UNAVAILABLE, not a remembered miss, when LrcLib search is down', async () => {
    const track = 'deezer:3135556';
    // The exact get would find it: make both gets miss by faulting them as 404, and the search as down.
    fake.fault('/lrclib/api/get', { status: 404, times: 2 });
    fake.fault('/lrclib/api/search', { status: 503 });
    const down = await request(sut.httpUrl).get(`/v1/tracks/${track}/lyrics`);
    expect(down.status).toBe(503);
    expect(await misses(track)).toBe('0');
    fake.clearFaults();
    const back = await request(sut.httpUrl).get(`/v1/tracks/${track}/lyrics`);
    expect(back.status).toBe(200);
    expect(back.body.trackName).toBe('Harder, Better, Faster, Stronger');
  });
});
