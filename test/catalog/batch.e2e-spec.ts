import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { CacheService } from '@app/core';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const HBFS = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
const RECORDING_2 = 'musicbrainz:2d3c4b5a-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const RECORDING_3 = 'musicbrainz:3b8d5c1a-9e2f-4c6b-8a7d-0f1e2d3c4b5a';
const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const JUSTICE = 'musicbrainz:5b11f4ce-a62d-471e-81fc-a69a8278c7da';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const UNKNOWN = 'musicbrainz:00000000-0000-4000-8000-000000000000';

interface Entry {
  id: string;
  status: string;
  detail?: string;
  freshness?: string;
  freshUntil?: string;
  summary?: boolean;
  track?: { id: string; title: string };
  album?: { id: string; title: string; tracks?: unknown[] };
  artist?: { id: string; name: string };
}

const statuses = (entries: Entry[]): Array<[string, string]> => entries.map((e) => [e.id, e.status]);

async function rowCounts(url: string): Promise<Record<string, number>> {
  const rows = await queryDatabase<{ table: string; n: string }>(
    url,
    `SELECT 'artists' AS table, count(*) AS n FROM catalog_artists UNION ALL
     SELECT 'albums', count(*) FROM catalog_albums UNION ALL SELECT 'tracks', count(*) FROM catalog_tracks
     UNION ALL SELECT 'misses', count(*) FROM catalog_misses`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.n)]));
}

describe('Batch lookups over REST and gRPC', () => {
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

  const batch = (path: string, ids: unknown) => request(sut.httpUrl).post(path).send({ ids });

  it('should answer every id in order, cold MusicBrainz ids with one search, and the second time with no provider call', async () => {
    const ids = [HBFS, 'deezer:3135556', RECORDING_2, RECORDING_3, 'deezer:3135553', HBFS];
    const first = await batch('/v1/tracks:batchGet', ids);
    expect(first.status).toBe(200);
    const entries = first.body.entries as Entry[];
    expect(statuses(entries)).toEqual([
      [HBFS, 'OK'],
      ['deezer:3135556', 'OK'],
      [RECORDING_2, 'OK'],
      [RECORDING_3, 'OK'],
      ['deezer:3135553', 'OK'],
    ]);
    expect(entries.map((e) => e.track?.id)).toEqual([
      HBFS,
      'deezer:3135556',
      RECORDING_2,
      RECORDING_3,
      'deezer:3135553',
    ]);
    expect(entries.map((e) => e.freshness)).toEqual(Array(5).fill('MISS'));
    // MusicBrainz answered from one search (less than a lookup: summary); Deezer from its own lookups.
    expect(entries.map((e) => e.summary)).toEqual([true, false, true, true, false]);
    expect(fake.count('/musicbrainz')).toBe(1);
    expect(fake.requests('/musicbrainz/ws/2/recording')[0].query.query).toMatch(/^rid:"[^"]+"( OR rid:"[^"]+"){2}$/);
    expect(fake.count('/deezer/track')).toBe(2);
    expect(Date.parse(entries[0].freshUntil ?? '')).toBeGreaterThan(Date.now());

    fake.reset();
    const again = await grpcCall<{ entries: Entry[] }>(grpc, 'BatchGetTracks', { ids });
    expect(statuses(again.response?.entries ?? [])).toEqual(statuses(entries));
    expect(again.response?.entries.map((e) => e.freshness)).toEqual(Array(5).fill('HIT'));
    expect(again.response?.entries.map((e) => e.track?.title)).toEqual(entries.map((e) => e.track?.title));
    expect(fake.count()).toBe(0);

    // A Deezer answer is kept as its single lookup keeps it; a MusicBrainz search hit is kept as partial, so
    // the single lookup still fetches the full recording once, and the batch then answers that.
    expect((await request(sut.httpUrl).get('/v1/tracks/deezer:3135556')).headers['x-cache']).toBe('HIT');
    expect(fake.count()).toBe(0);
    expect((await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`)).headers['x-cache']).toBe('MISS');
    const third = await batch('/v1/tracks:batchGet', [HBFS]);
    expect(third.body.entries).toEqual([
      expect.objectContaining({ id: HBFS, status: 'OK', freshness: 'HIT', summary: false }),
    ]);
    expect(fake.count('/musicbrainz')).toBe(1);
  });

  it('should send a warm batch over REST as the JSON of its message, each entry under the id it was asked by', async () => {
    // The bare upper-case MBID names the same artist: one resolution, one cached entity, two entries.
    const bare = DAFT_PUNK.slice('musicbrainz:'.length).toUpperCase();
    const ids = [DAFT_PUNK, 'deezer:27', bare, 'deezer:424242'];
    expect((await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}`)).status).toBe(200);
    expect((await batch('/v1/artists:batchGet', ids)).status).toBe(200);
    fake.reset();
    // Twice: the second answer is joined from entries kept with the cached entities.
    for (const round of [1, 2]) {
      const warm = await batch('/v1/artists:batchGet', ids);
      expect([round, warm.status, warm.headers['content-type']]).toEqual([
        round,
        200,
        'application/json; charset=utf-8',
      ]);
      expect(warm.text).toBe(JSON.stringify(warm.body));
      const entries = warm.body.entries as Entry[];
      expect(statuses(entries)).toEqual([
        [DAFT_PUNK, 'OK'],
        ['deezer:27', 'OK'],
        [bare, 'OK'],
        ['deezer:424242', 'NOT_FOUND'],
      ]);
      expect(entries.map((e) => e.freshness)).toEqual(['HIT', 'HIT', 'HIT', undefined]);
      expect(entries[2].artist).toEqual(entries[0].artist);
      expect(entries[0].artist).toMatchObject({ id: DAFT_PUNK, name: 'Daft Punk' });
    }
    const rpc = await grpcCall<{ entries: Entry[] }>(grpc, 'BatchGetArtists', { ids });
    expect(statuses(rpc.response?.entries ?? [])).toEqual(
      statuses(JSON.parse((await batch('/v1/artists:batchGet', ids)).text).entries as Entry[]),
    );
    expect(rpc.response?.entries[2].artist?.name).toBe('Daft Punk');
    // Without this process's L1: the same answers from Redis, one multi-get counting each distinct key.
    const l2Hits = async (): Promise<number> =>
      Number(
        /^chorus_cache_lookups_total\{layer="l2",result="hit"\} (\d+)/m.exec(
          (await request(sut.httpUrl).get('/metrics')).text,
        )?.[1],
      );
    await sut.chorus.app.get(CacheService).clearLocal();
    const before = await l2Hits();
    const fromRedis = await batch('/v1/artists:batchGet', ids);
    expect(statuses(fromRedis.body.entries as Entry[])).toEqual(statuses(rpc.response?.entries ?? []));
    expect((fromRedis.body.entries as Entry[]).map((e) => e.freshness)).toEqual(['HIT', 'HIT', 'HIT', undefined]);
    expect((await l2Hits()) - before).toBe(3);
    expect(fake.count()).toBe(0);
  });

  it('should answer NOT_FOUND for the ids a provider lacks and the others found, on both transports', async () => {
    const ids = [DAFT_PUNK, UNKNOWN, 'deezer:27', 'deezer:424242'];
    const rest = await batch('/v1/artists:batchGet', ids);
    expect(rest.status).toBe(200);
    expect(statuses(rest.body.entries as Entry[])).toEqual([
      [DAFT_PUNK, 'OK'],
      [UNKNOWN, 'NOT_FOUND'],
      ['deezer:27', 'OK'],
      ['deezer:424242', 'NOT_FOUND'],
    ]);
    expect(rest.body.entries[0].artist).toMatchObject({ id: DAFT_PUNK, name: 'Daft Punk' });
    // One search for both MBIDs; the one it did not list is looked up before it is called unknown.
    expect(fake.count('/musicbrainz/ws/2/artist')).toBe(2);
    fake.reset();
    const rpc = await grpcCall<{ entries: Entry[] }>(grpc, 'BatchGetArtists', { ids });
    expect(statuses(rpc.response?.entries ?? [])).toEqual(statuses(rest.body.entries as Entry[]));
    expect(fake.count()).toBe(0);
  });

  it('should answer UPSTREAM_UNAVAILABLE for the ids of a provider that is down and the others found', async () => {
    fake.fault('/deezer', { status: 503 });
    const rest = await batch('/v1/albums:batchGet', [DISCOVERY, 'deezer:302127']);
    expect(rest.status).toBe(200);
    expect(statuses(rest.body.entries as Entry[])).toEqual([
      [DISCOVERY, 'OK'],
      ['deezer:302127', 'UPSTREAM_UNAVAILABLE'],
    ]);
    expect(rest.body.entries[0]).toMatchObject({
      summary: true,
      album: { id: DISCOVERY, title: 'Discovery', tracks: [] },
    });
    fake.reset();
    fake.fault('/musicbrainz', { status: 503 });
    const rpc = await grpcCall<{ entries: Entry[] }>(grpc, 'BatchGetArtists', { ids: [JUSTICE, 'deezer:27'] });
    expect(rpc.error).toBeUndefined();
    expect(statuses(rpc.response?.entries ?? [])).toEqual([
      [JUSTICE, 'UPSTREAM_UNAVAILABLE'],
      ['deezer:27', 'OK'],
    ]);
    const [row] = await queryDatabase<{ n: string }>(
      sut.database.url,
      `SELECT count(*) AS n FROM catalog_artists WHERE public_id = $1`,
      [JUSTICE],
    );
    expect(Number(row.n)).toBe(0);
  });

  it.each([
    ['101 ids', Array.from({ length: 101 }, (_v, i) => `deezer:${i + 1}`)],
    ['no ids', []],
    ['a string', HBFS],
    ['numbers', [1, 2]],
    ['nothing', undefined],
  ])('should refuse %s with 400 naming ids and store nothing', async (_name, ids) => {
    const before = await rowCounts(sut.database.url);
    const response = await batch('/v1/tracks:batchGet', ids);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.text).errors.map((e: { field: string }) => e.field)).toContain('ids');
    expect(await rowCounts(sut.database.url)).toEqual(before);
    expect(fake.count()).toBe(0);
  });

  it('should answer a malformed id as its own INVALID_ARGUMENT entry, naming it, and store nothing for it', async () => {
    const before = await rowCounts(sut.database.url);
    const response = await batch('/v1/albums:batchGet', ['not-an-id', 'deezer:abc', 'itunes:']);
    expect(response.status).toBe(200);
    expect(statuses(response.body.entries as Entry[])).toEqual([
      ['not-an-id', 'INVALID_ARGUMENT'],
      ['deezer:abc', 'INVALID_ARGUMENT'],
      ['itunes:', 'INVALID_ARGUMENT'],
    ]);
    expect(response.body.entries[1].detail).toMatch(/^ids\[1\]: /);
    expect(await rowCounts(sut.database.url)).toEqual(before);
    expect(fake.count()).toBe(0);
  });

  it('should refuse the same bad requests over gRPC with INVALID_ARGUMENT', async () => {
    const results = await Promise.all([
      grpcCall(grpc, 'BatchGetTracks', { ids: [] }),
      grpcCall(grpc, 'BatchGetAlbums', { ids: Array.from({ length: 101 }, (_v, i) => `deezer:${i + 1}`) }),
      grpcCall(grpc, 'BatchGetArtists', {}),
    ]);
    expect(results.map((r) => r.error?.code)).toEqual(Array(3).fill(GrpcStatus.INVALID_ARGUMENT));
    expect(results.map((r) => r.error?.details)).toEqual(Array(3).fill(expect.stringContaining('ids')));
    expect(fake.count()).toBe(0);
  });
});
