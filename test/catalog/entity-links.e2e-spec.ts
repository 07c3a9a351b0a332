import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** Two bands called Nirvana: the US one links Deezer 415 and Discogs by URL relation, the UK one links nothing. */
const NIRVANA_US = 'musicbrainz:5b11f4ce-a62d-471e-81fc-a69a8278c7da';
const NIRVANA_UK = 'musicbrainz:9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6';
const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
/** Discovery: its releases carry UPC 724384960650 (Deezer 302127, iTunes), its URL relations Wikidata. */
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
/** Die With A Smile on Deezer: no other platform of the fake knows its UPC or title. */
const DIE_WITH_A_SMILE = 'deezer:629506181';

interface Link {
  platform: string;
  id: string;
  url?: string;
  matchedBy: string;
  confidence: number;
  evidence: string[];
}

interface Links {
  artistId?: string;
  albumId?: string;
  barcodes?: string[];
  links: Link[];
  status: string;
  failures: Array<{ provider: string; code: string; message: string }>;
}

interface Entity {
  id: string;
  images: Array<{ url: string }>;
  externalIds: Record<string, unknown> & { references: Link[] };
}

const platforms = (links: Links) => links.links.map((l) => `${l.platform}=${l.id}:${l.matchedBy}`).sort();

describe('Artist and album links, one identity across platforms, over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  const crossRefs = async () =>
    (await queryDatabase<{ n: string }>(sut.database.url, 'SELECT count(*) AS n FROM catalog_cross_refs'))[0].n;

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

  it('should link an artist by its URL relations, and answer the same identity from its Deezer id', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/artists/${NIRVANA_US}/links`);
    expect(rest.status).toBe(200);
    const body = rest.body as Links;
    expect(body).toMatchObject({ artistId: NIRVANA_US, status: 'OK', failures: [] });
    expect(platforms(body)).toEqual([
      'deezer=deezer:415:url-rel',
      'discogs=discogs:125246:url-rel',
      `musicbrainz=${NIRVANA_US}:source`,
    ]);
    const deezer = body.links.find((l) => l.platform === 'deezer');
    expect(deezer).toMatchObject({
      confidence: 1,
      evidence: ['MusicBrainz URL relation https://www.deezer.com/artist/415'],
    });
    const rpc = await grpcCall<Links>(grpc, 'GetArtistLinks', { id: NIRVANA_US });
    expect(rpc.error).toBeUndefined();
    expect(platforms(rpc.response as Links)).toEqual(platforms(body));

    const byMbid = (await request(sut.httpUrl).get(`/v1/artists/${NIRVANA_US}`)).body as Entity;
    const byDeezer = (await request(sut.httpUrl).get('/v1/artists/deezer:415')).body as Entity;
    expect(byMbid.externalIds).toMatchObject({ musicbrainz: NIRVANA_US.slice(12), deezer: '415', discogs: '125246' });
    expect(byDeezer.externalIds).toMatchObject({ musicbrainz: NIRVANA_US.slice(12), deezer: '415', discogs: '125246' });
    const fromDeezer = (await request(sut.httpUrl).get('/v1/artists/deezer:415/links')).body as Links;
    expect(fromDeezer.links).toContainEqual(
      expect.objectContaining({ platform: 'musicbrainz', id: NIRVANA_US, matchedBy: 'url-rel' }),
    );
    // From the kept URL relation: MusicBrainz is not searched.
    expect(fake.requests('/musicbrainz/ws/2/artist').filter((r) => r.path === '/musicbrainz/ws/2/artist')).toEqual([]);
    const viaGrpc = await grpcCall<Entity>(grpc, 'GetArtist', { id: 'deezer:415' });
    expect(viaGrpc.response?.externalIds).toMatchObject({ musicbrainz: NIRVANA_US.slice(12), discogs: '125246' });
    expect(viaGrpc.response?.externalIds.references.map((r) => r.id)).toEqual(
      expect.arrayContaining(['deezer:415', NIRVANA_US, 'discogs:125246']),
    );
  });

  it('should not take the same-named artist another entity links by URL relation, even with a shared ISRC', async () => {
    // Deezer files a UK Nirvana recording under the US band's page (415): the two now share an ISRC, but the US
    // band's MusicBrainz URL relation (kept by the first test) says whose page 415 is.
    await request(sut.httpUrl).get('/v1/tracks/musicbrainz:c4e1d7a2-3b5f-4e6a-9d8c-1f2a3b4c5d6e').expect(200);
    await request(sut.httpUrl).get('/v1/tracks/deezer:88800123').expect(200);
    const rest = await request(sut.httpUrl).get(`/v1/artists/${NIRVANA_UK}/links`);
    expect(rest.status).toBe(200);
    const body = rest.body as Links;
    // Deezer's only "Nirvana" is the US band (415), not linked; iTunes and Spotify know no Nirvana at all:
    // absent too, and the answer is complete.
    expect(body).toMatchObject({ status: 'OK', failures: [] });
    expect(platforms(body)).toEqual([`musicbrainz=${NIRVANA_UK}:source`]);
    expect(fake.count('/deezer/search/artist')).toBe(1);
    const entity = (await request(sut.httpUrl).get(`/v1/artists/${NIRVANA_UK}`)).body as Entity;
    expect(entity.externalIds.deezer).toBeUndefined();
    expect(entity.images).toEqual([]);
  });

  it('should answer PARTIAL while a platform is down, keep nothing of it, and link by a shared ISRC later', async () => {
    fake.fault('/deezer', { status: 503 });
    const down = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}/links`);
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('PARTIAL');
    expect(down.body.failures).toEqual([expect.objectContaining({ provider: 'deezer', code: 'UPSTREAM_UNAVAILABLE' })]);
    expect(down.headers['cache-control']).not.toMatch(/max-age=[1-9]/);
    const rpc = await grpcCall<Links>(grpc, 'GetArtistLinks', { id: DAFT_PUNK });
    expect(rpc.response?.status).toBe('PARTIAL');
    expect(rpc.response?.failures.map((f) => f.provider)).toEqual(['deezer']);

    fake.clearFaults();
    // The same recording on both platforms, by ISRC: the evidence a same-named artist needs.
    await request(sut.httpUrl).get('/v1/tracks/musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b').expect(200);
    await request(sut.httpUrl).get('/v1/tracks/deezer:3135556').expect(200);
    const healed = (await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}/links`)).body as Links;
    expect(healed.status).toBe('OK');
    expect(healed.links).toContainEqual(
      expect.objectContaining({
        platform: 'deezer',
        id: 'deezer:27',
        matchedBy: 'name',
        confidence: 0.9,
        evidence: ['same name "Daft Punk"', 'shared ISRC GBDUW0000059'],
      }),
    );
    // iTunes and Spotify have a "Daft Punk" too, but share no code with it in the catalog: a name alone never links.
    expect(healed.links.map((l) => l.platform).sort()).toEqual(['deezer', 'discogs', 'musicbrainz']);
    // iTunes and Spotify were kept from the first answer: only Deezer was asked again.
    expect(fake.count('/itunes')).toBe(1);
    expect(fake.count('/deezer/search/artist')).toBe(3);
  });

  it('should link an album by UPC and URL relation, and answer its identity from the Deezer id', async () => {
    const rest = await request(sut.httpUrl).get(`/v1/albums/${DISCOVERY}/links`);
    expect(rest.status).toBe(200);
    const body = rest.body as Links;
    expect(body).toMatchObject({ albumId: DISCOVERY, status: 'OK', failures: [] });
    expect(body.barcodes).toContain('724384960650');
    expect(platforms(body)).toEqual(
      expect.arrayContaining([
        'deezer=deezer:302127:upc',
        `musicbrainz=${DISCOVERY}:source`,
        'wikidata=wikidata:Q733565:url-rel',
      ]),
    );
    expect(body.links.find((l) => l.platform === 'deezer')?.evidence).toEqual(['UPC 724384960650']);
    const rpc = await grpcCall<Links>(grpc, 'GetAlbumLinks', { id: DISCOVERY });
    expect(rpc.error).toBeUndefined();
    expect(platforms(rpc.response as Links)).toEqual(platforms(body));

    const byDeezer = (await request(sut.httpUrl).get('/v1/albums/deezer:302127')).body as Entity;
    expect(byDeezer.externalIds).toMatchObject({
      deezer: '302127',
      musicbrainz: DISCOVERY.slice(12),
      wikidata: 'Q733565',
    });
  });

  it('should leave out the platforms that lack an album', async () => {
    const body = (await request(sut.httpUrl).get(`/v1/albums/${DIE_WITH_A_SMILE}/links`)).body as Links;
    expect(body).toMatchObject({ albumId: DIE_WITH_A_SMILE, status: 'OK', failures: [] });
    expect(platforms(body)).toEqual([`deezer=${DIE_WITH_A_SMILE}:source`]);
  });

  it('should answer an album PARTIAL while a platform is down', async () => {
    fake.fault('/spotify', { status: 503 });
    const rest = await request(sut.httpUrl).get('/v1/albums/deezer:6575789/links');
    expect(rest.body).toMatchObject({
      status: 'PARTIAL',
      failures: [expect.objectContaining({ provider: 'spotify' })],
    });
    const rpc = await grpcCall<Links>(grpc, 'GetAlbumLinks', { id: 'deezer:6575789' });
    expect(rpc.response?.status).toBe('PARTIAL');
    expect(rpc.response?.failures.map((f) => f.provider)).toEqual(['spotify']);
    // MusicBrainz has two albums of that title: the one whose artist is linked to Deezer's (by the shared ISRC
    // found above) is this one; the compilation of the same name is not.
    expect(rest.body.links).toContainEqual(
      expect.objectContaining({
        platform: 'musicbrainz',
        id: 'musicbrainz:aa997ea0-2936-40bd-884d-3af8a0e064dc',
        matchedBy: 'name',
        evidence: [
          'same title "Random Access Memories"',
          'artist musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56 is deezer:27 (name)',
        ],
      }),
    );
  });

  it("should give a track the ids of its kept links, and the linked track the track's", async () => {
    const HBFS_MB = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
    await request(sut.httpUrl).get(`/v1/tracks/${HBFS_MB}/links`).expect(200);
    // Over gRPC: a REST answer the HTTP cache kept earlier shows the references known when it was made.
    const track = (await grpcCall<Entity>(grpc, 'GetTrack', { id: HBFS_MB })).response as Entity;
    expect(track.externalIds.deezer).toBe('3135556');
    expect(track.externalIds.references).toContainEqual(
      expect.objectContaining({
        platform: 'deezer',
        id: 'deezer:3135556',
        matchedBy: 'isrc',
        evidence: ['ISRC GBDUW0000059'],
      }),
    );
    const rpc = await grpcCall<Entity>(grpc, 'GetTrack', { id: 'deezer:3135556' });
    expect(rpc.response?.externalIds).toMatchObject({ deezer: '3135556', musicbrainz: HBFS_MB.slice(12) });
  });

  it('should ask no provider the second time', async () => {
    for (const path of [`/v1/artists/${NIRVANA_US}/links`, `/v1/albums/${DISCOVERY}/links`]) {
      await request(sut.httpUrl).get(path).expect(200);
      fake.reset();
      const again = await request(sut.httpUrl).get(path);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('OK');
      expect(fake.count()).toBe(0);
    }
  });

  it('should refuse a malformed id on both transports, asking and keeping nothing', async () => {
    const before = await crossRefs();
    const rest = await request(sut.httpUrl).get('/v1/artists/deezer:not-a-number/links');
    expect(rest.status).toBe(400);
    expect(rest.headers['content-type']).toMatch(/problem\+json/);
    expect((JSON.parse(rest.text) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain('id');
    expect((await request(sut.httpUrl).get('/v1/albums/spotify:short/links')).status).toBe(400);
    const rpc = await grpcCall(grpc, 'GetAlbumLinks', { id: 'itunes:abc' });
    expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    const artist = await grpcCall(grpc, 'GetArtistLinks', { id: '' });
    expect(artist.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(fake.count()).toBe(0);
    expect(await crossRefs()).toBe(before);
  });

  it("should give a MusicBrainz artist its linked Deezer artist's pictures, relayed by the cover proxy", async () => {
    const artist = (await request(sut.httpUrl).get(`/v1/artists/${NIRVANA_US}`)).body as Entity;
    expect(artist.images[0]?.url).toMatch(/\/deezer\/images\/artist\/.+\/1000x1000-000000-80-0-0\.jpg$/);
    const first = await request(sut.httpUrl).get(`/v1/cover/${NIRVANA_US}?type=artist&size=250`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('image/jpeg');
    const rpc = await grpcCall<{ contentType: string }>(grpc, 'GetCover', {
      id: NIRVANA_US,
      size: '250',
      type: 'artist',
    });
    expect(rpc.response?.contentType).toBe('image/jpeg');
    expect(fake.images.served).toBe(1);
    expect(fake.requests('/deezer/images/')[0]?.path).toMatch(/250x250-000000-80-0-0\.jpg$/);
    const none = await request(sut.httpUrl).get(`/v1/cover/${NIRVANA_UK}?type=artist`);
    expect(none.status).toBe(404);
  });
});
