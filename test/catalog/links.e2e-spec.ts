import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** On Deezer, iTunes and Spotify; MusicBrainz answers 404 for its ISRC and has no recording by that name. */
const DIGITAL_LOVE = 'deezer:3135554';
const ONE_MORE_TIME = 'deezer:3135553';
const HBFS = 'deezer:3135556';
const VOYAGER = 'deezer:3135561';

/** Rows a links answer keeps: the tracks it maps and the cross-references it finds. */
async function keptRows(url: string): Promise<number> {
  const rows = await queryDatabase<{ n: string }>(
    url,
    `SELECT (SELECT count(*) FROM catalog_tracks) + (SELECT count(*) FROM catalog_cross_refs) AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}

interface Links {
  trackId: string;
  links: Array<{ platform: string; id: string; url?: string; matchedBy: string }>;
  status: string;
  failures: Array<{ provider: string; code: string; message: string }>;
}

interface Resolved {
  type: string;
  id: string;
  track?: { id: string; title: string };
  links: Links['links'];
  status: string;
  failures: Links['failures'];
}

describe('Links and resolve survive a missing platform, over REST and gRPC', () => {
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

  it('should link a Deezer track MusicBrainz lacks: its own link, the others found by metadata', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${DIGITAL_LOVE}/links`);
    expect(rest.status).toBe(200);
    const body = rest.body as Links;
    expect(body.status).toBe('OK');
    expect(body.failures).toEqual([]);
    expect(body.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ platform: 'deezer', id: DIGITAL_LOVE, matchedBy: 'source' }),
        expect.objectContaining({ platform: 'itunes', id: 'itunes:697195464', matchedBy: 'metadata' }),
        expect.objectContaining({ platform: 'spotify', id: 'spotify:2VEZx7NWsZ1D0eJ4uv5Fym', matchedBy: 'metadata' }),
      ]),
    );
    expect(body.links.map((l) => l.platform)).not.toContain('musicbrainz');
    expect(fake.count('/musicbrainz/ws/2/isrc/GBDUW0000054')).toBe(1);
    const rpc = await grpcCall<Links>(grpc, 'GetTrackLinks', { id: DIGITAL_LOVE });
    expect(rpc.response?.status).toBe('OK');
    expect(rpc.response?.links.map((l) => l.platform).sort()).toEqual(['deezer', 'itunes', 'spotify']);
  });

  it('should answer PARTIAL naming a platform that is down, and not keep that answer', async () => {
    fake.fault('/itunes', { status: 503 });
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${ONE_MORE_TIME}/links`);
    expect(rest.status).toBe(200);
    const body = rest.body as Links;
    expect(body.status).toBe('PARTIAL');
    expect(body.failures).toEqual([expect.objectContaining({ provider: 'itunes', code: 'UPSTREAM_UNAVAILABLE' })]);
    expect(body.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ platform: 'deezer', matchedBy: 'source' }),
        expect.objectContaining({ platform: 'musicbrainz', matchedBy: 'isrc' }),
      ]),
    );
    expect(rest.headers['cache-control']).not.toMatch(/max-age=[1-9]/);
    const rpc = await grpcCall<Links>(grpc, 'GetTrackLinks', { id: ONE_MORE_TIME });
    expect(rpc.response?.status).toBe('PARTIAL');
    expect(rpc.response?.failures.map((f) => f.provider)).toEqual(['itunes']);
    expect(fake.count('/itunes')).toBe(2);

    fake.clearFaults();
    const healed = await request(sut.httpUrl).get(`/v1/tracks/${ONE_MORE_TIME}/links`);
    expect(healed.body.status).toBe('OK');
    expect(fake.count('/itunes')).toBe(3);
  });

  it("should resolve that track's URL even while its links are partial", async () => {
    fake.fault('/spotify', { status: 503 });
    const url = 'https://www.deezer.com/track/3135556';
    const rest = await request(sut.httpUrl).get('/v1/resolve').query({ url });
    expect(rest.status).toBe(200);
    const body = rest.body as Resolved;
    expect(body).toMatchObject({ type: 'track', id: HBFS, track: { title: 'Harder, Better, Faster, Stronger' } });
    expect(body.links.map((l) => l.platform)).toContain('deezer');
    expect(body.status).toBe('PARTIAL');
    expect(body.failures.map((f) => f.provider)).toEqual(['spotify']);
    const rpc = await grpcCall<Resolved>(grpc, 'Resolve', { url });
    expect(rpc.response).toMatchObject({ type: 'track', id: HBFS, status: 'PARTIAL' });
    fake.clearFaults();
    const fresh = await request(sut.httpUrl).get('/v1/resolve').query({ url: 'https://www.deezer.com/track/3135554' });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ type: 'track', status: 'OK' });
  });

  it('should answer track links asked twice with no provider call the second time, on REST and on gRPC', async () => {
    const first = await request(sut.httpUrl).get(`/v1/tracks/${VOYAGER}/links`);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('OK');
    expect(fake.count()).toBeGreaterThan(0);
    fake.reset();
    const again = await request(sut.httpUrl).get(`/v1/tracks/${VOYAGER}/links`);
    expect(again.status).toBe(200);
    expect((again.body as Links).links).toEqual((first.body as Links).links);
    const rpc = await grpcCall<Links>(grpc, 'GetTrackLinks', { id: VOYAGER });
    expect(rpc.error).toBeUndefined();
    expect(rpc.response?.links.map((l) => l.id).sort()).toEqual((first.body as Links).links.map((l) => l.id).sort());
    expect(fake.count()).toBe(0);
  });

  it('should refuse a malformed track id with a 400 naming id (INVALID_ARGUMENT on gRPC), asking and keeping nothing', async () => {
    const before = await keptRows(sut.database.url);
    const rest = await request(sut.httpUrl).get('/v1/tracks/deezer:not-a-number/links');
    expect(rest.status).toBe(400);
    expect(rest.headers['content-type']).toMatch(/problem\+json/);
    expect((JSON.parse(rest.text) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain('id');
    const rpc = await grpcCall(grpc, 'GetTrackLinks', { id: 'spotify:short' });
    expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(rpc.error?.details).toMatch(/id/);
    expect(fake.count()).toBe(0);
    expect(await keptRows(sut.database.url)).toBe(before);
  });
});
