import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FAKE_GENIUS_TOKEN, FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** Genius's search lists a cover by another artist and another song first: only its third hit is this track. */
const HBFS = 'deezer:3135556';
/** Genius has it, with a radio edit listed first, and no annotations. */
const ONE_MORE_TIME = 'deezer:3135553';
/** Genius's search answers only near misses ("Voyager" by Pendulum, "Voyage" by Daft Punk). */
const VOYAGER = 'deezer:3135561';
/** No Genius answer is recorded for it: the fuzzy search answers other Daft Punk songs, none of them this one. */
const DIGITAL_LOVE = 'deezer:3135554';
/** Credited to Lady Gaga and Bruno Mars; Genius files it under Lady Gaga. */
const DIE_WITH_A_SMILE = 'deezer:2947516331';

interface TrackGenius {
  trackId: string;
  song: { id: string; title: string; artistName: string; url: string; description?: string; releaseDate?: string };
  annotations: Array<{ id: string; fragment: string; body: string; votes: number; url: string }>;
  status: string;
  failures: Array<{ provider: string; code: string; message: string }>;
}

async function keptParts(url: string, trackId: string): Promise<string[]> {
  const rows = await queryDatabase<{ part: string }>(
    url,
    `SELECT part FROM catalog_extras WHERE kind = 'track' AND public_id = $1 ORDER BY part`,
    [trackId],
  );
  return rows.map((row) => row.part);
}

describe('Genius songs and annotations over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  const geniusCalls = () => fake.requests('/genius').map((r) => r.path);

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

  it('should answer the matching song and its annotations over REST, then the same over gRPC with no provider call', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}/genius`);
    expect(rest.status).toBe(200);
    const body = rest.body as TrackGenius;
    expect(body).toMatchObject({
      trackId: HBFS,
      status: 'OK',
      failures: [],
      song: {
        id: 'genius:3517',
        artistName: 'Daft Punk',
        url: 'https://genius.com/Daft-punk-harder-better-faster-stronger-lyrics',
        releaseDate: '2001-10-13',
      },
    });
    expect(body.song.description).toMatch(/fourth single from Daft Punk/);
    expect(body.annotations).toHaveLength(2);
    expect(body.annotations[0]).toEqual({
      id: 'genius:90123',
      fragment: 'Work it harder, make it better\nDo it faster, makes us stronger',
      body: expect.stringMatching(/vocoder/),
      votes: 57,
      url: 'https://genius.com/90123/Daft-punk-harder-better-faster-stronger/Work-it-harder-make-it-better',
    });
    expect(geniusCalls()).toEqual(['/genius/search', '/genius/songs/3517', '/genius/referents']);
    const [search, song, referents] = fake.requests('/genius');
    expect(search?.query.q).toBe('Daft Punk Harder, Better, Faster, Stronger');
    expect(song?.query.text_format).toBe('plain');
    expect(referents?.query).toMatchObject({ song_id: '3517', text_format: 'plain', per_page: '50' });
    expect(search?.headers['user-agent']).toMatch(/^Chorus\//);
    expect(await keptParts(sut.database.url, HBFS)).toEqual(['genius-annotations', 'genius-song']);

    fake.reset();
    const again = await grpcCall<TrackGenius>(grpc, 'GetTrackGenius', { id: HBFS });
    expect(again.error).toBeUndefined();
    expect(again.response?.song.url).toBe(body.song.url);
    expect(again.response?.annotations.map((a) => a.votes)).toEqual([57, 12]);
    expect(again.response?.status).toBe('OK');
    expect(again.metadata?.get('x-cache')).toEqual(['HIT']);
    expect(fake.count()).toBe(0);
  });

  it('should answer over gRPC first, prefer the exact title to a radio edit, and keep a song without annotations', async () => {
    const rpc = await grpcCall<TrackGenius>(grpc, 'GetTrackGenius', { id: ONE_MORE_TIME });
    expect(rpc.error).toBeUndefined();
    expect(rpc.response?.song).toMatchObject({ id: 'genius:4218', title: 'One More Time' });
    // The raw client leaves out fields at their default: no description, no annotations.
    expect(rpc.response?.song.description ?? '').toBe('');
    expect(rpc.response?.annotations ?? []).toEqual([]);
    expect(rpc.response?.status).toBe('OK');
    fake.reset();
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${ONE_MORE_TIME}/genius`);
    expect(rest.status).toBe(200);
    expect(rest.body.song.releaseDate).toBe('2000-11-13');
    expect(rest.body.song.description).toBeUndefined();
    expect(fake.count()).toBe(0);
  });

  it('should answer NOT_FOUND when Genius has only near misses, and remember it', async () => {
    const first = await request(sut.httpUrl).get(`/v1/tracks/${VOYAGER}/genius`);
    expect(first.status).toBe(404);
    expect(first.body.detail).toMatch(/Genius has no song/);
    expect(geniusCalls()).toEqual(['/genius/search']);
    expect(await keptParts(sut.database.url, VOYAGER)).toEqual([]);
    fake.reset();
    const again = await grpcCall(grpc, 'GetTrackGenius', { id: VOYAGER });
    expect(again.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(fake.count()).toBe(0);
  });

  it("should not take a fuzzy search's near misses by the same artist for the track, and remember there is none", async () => {
    // The fake's search is fuzzy as Genius's is: the words "Daft Punk" alone bring back the artist's other songs.
    const search = await fetch(`${fake.url('genius')}/search?q=${encodeURIComponent('Daft Punk Digital Love')}`, {
      headers: { authorization: `Bearer ${FAKE_GENIUS_TOKEN}` },
    });
    const hits = (
      (await search.json()) as { response: { hits: Array<{ result: { primary_artist: { name: string } } }> } }
    ).response.hits;
    expect(hits.map((hit) => hit.result.primary_artist.name)).toContain('Daft Punk');
    fake.reset();

    const rest = await request(sut.httpUrl).get(`/v1/tracks/${DIGITAL_LOVE}/genius`);
    expect(rest.status).toBe(404);
    expect(geniusCalls()).toEqual(['/genius/search']);
    expect(await keptParts(sut.database.url, DIGITAL_LOVE)).toEqual([]);
    fake.reset();
    const rpc = await grpcCall(grpc, 'GetTrackGenius', { id: DIGITAL_LOVE });
    expect(rpc.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(fake.count()).toBe(0);
  });

  it('should answer 503 naming Genius when its search is down, then PARTIAL when only annotations are, keeping neither failure', async () => {
    fake.fault('/genius/search', { status: 503 });
    const down = await request(sut.httpUrl).get(`/v1/tracks/${DIE_WITH_A_SMILE}/genius`);
    expect(down.status).toBe(503);
    expect(down.body.detail).toMatch(/genius/);
    expect(await keptParts(sut.database.url, DIE_WITH_A_SMILE)).toEqual([]);

    fake.reset();
    fake.fault('/genius/referents', { status: 503 });
    const partial = await grpcCall<TrackGenius>(grpc, 'GetTrackGenius', { id: DIE_WITH_A_SMILE });
    expect(partial.error).toBeUndefined();
    expect(partial.response).toMatchObject({ status: 'PARTIAL', song: { id: 'genius:10648375' } });
    expect(partial.response?.annotations ?? []).toEqual([]);
    expect(partial.response?.failures).toEqual([
      expect.objectContaining({ provider: 'genius', code: 'UPSTREAM_UNAVAILABLE' }),
    ]);
    expect(await keptParts(sut.database.url, DIE_WITH_A_SMILE)).toEqual(['genius-song']);

    fake.reset();
    const back = await request(sut.httpUrl).get(`/v1/tracks/${DIE_WITH_A_SMILE}/genius`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'OK', song: { artistName: 'Lady Gaga' } });
    expect(back.body.annotations).toHaveLength(1);
    expect(geniusCalls()).toEqual(['/genius/referents']);
  });

  it('should refuse a malformed id with a 4xx naming the field, asking and storing nothing', async () => {
    const rest = await request(sut.httpUrl).get('/v1/tracks/deezer:not-a-number/genius');
    expect(rest.status).toBe(400);
    expect(JSON.stringify(rest.body)).toMatch(/id/);
    const rpc = await grpcCall(grpc, 'GetTrackGenius', { id: '' });
    expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(fake.count()).toBe(0);
    const rows = await queryDatabase<{ n: string }>(
      sut.database.url,
      `SELECT count(*) AS n FROM catalog_extras WHERE public_id LIKE 'deezer:not%'`,
    );
    expect(rows[0]?.n).toBe('0');
  });
});

describe('Genius without GENIUS_ACCESS_TOKEN', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(upstreamEnv(fake, { GENIUS_ACCESS_TOKEN: '' }));
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  it('should say Genius is not enabled, on both transports, without asking any provider', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}/genius`);
    expect(rest.status).toBe(400);
    expect(rest.body.detail).toMatch(/genius is not enabled/);
    const rpc = await grpcCall(grpc, 'GetTrackGenius', { id: HBFS });
    expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(rpc.error?.details).toMatch(/genius is not enabled/);
    expect(fake.count()).toBe(0);
  });
});
