import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** Links only Wikidata Q44191, whose image (P18) is "Radiohead 2016 (cropped).jpg" on Commons. */
const RADIOHEAD = 'musicbrainz:a74b1b7f-71a5-4011-9441-d0b5e4122711';
/** Links only Wikidata Q896283, an item without P18. */
const BOARDS_OF_CANADA = 'musicbrainz:69158f97-4c07-4c4e-baf8-4e4ab1ed666e';
/** Links nothing at all. */
const NIRVANA_UK = 'musicbrainz:9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6';
const FILE = 'Radiohead_2016_(cropped).jpg';

interface Picture {
  url: string;
  width?: number;
  thumbnails: Array<{ url: string; width?: number }>;
}

interface Artist {
  id: string;
  images: Picture[];
}

describe('MusicBrainz artist pictures from Wikidata and Wikimedia Commons, over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  const kept = async (id: string) => {
    const sql = 'SELECT count(*) AS n FROM catalog_artists WHERE public_id = $1';
    return Number((await queryDatabase<{ n: string }>(sut.database.url, sql, [id]))[0].n);
  };

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

  // First, while no test has kept Radiohead yet.
  it('should answer the artist without pictures while Wikidata is down, marked not to be kept, and keep nothing', async () => {
    fake.fault('/wikidata', { status: 503 });
    const down = await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`);
    expect(down.status).toBe(200);
    expect((down.body as Artist).images).toEqual([]);
    expect(down.headers['cache-control']).toMatch(/no-store/);
    const rpc = await grpcCall<Artist>(grpc, 'GetArtist', { id: RADIOHEAD });
    expect(rpc.response?.id).toBe(RADIOHEAD);
    // An empty repeated field is left out on the wire.
    expect(rpc.response?.images ?? []).toEqual([]);
    expect(await kept(RADIOHEAD)).toBe(0);
    expect(fake.count('/wikidata')).toBe(2);

    fake.clearFaults();
    const back = await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`);
    expect((back.body as Artist).images).toHaveLength(1);
    expect(fake.count('/wikidata')).toBe(3);
    const entity = fake.requests('/wikidata')[2];
    expect(entity?.path).toBe('/wikidata/wiki/Special:EntityData/Q44191.json');
    // Wikimedia asks for a descriptive User-Agent: the one MusicBrainz gets.
    expect(entity?.headers['user-agent']).toBe(fake.requests('/musicbrainz')[0]?.headers['user-agent']);
    expect(entity?.headers['user-agent']).toMatch(/^Chorus\/\S+ \( .+ \)$/);
    expect(await kept(RADIOHEAD)).toBe(1);
  });

  it("should give a MusicBrainz artist its Wikidata item's Commons image at three widths, on both transports", async () => {
    const rest = await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`);
    expect(rest.status).toBe(200);
    const [picture] = (rest.body as Artist).images;
    expect(picture.url).toBe(`${fake.url('commons')}/wiki/Special:FilePath/${FILE}?width=1200`);
    expect(picture.width).toBe(1200);
    expect(picture.thumbnails.map((t) => t.width)).toEqual([500, 250]);

    const rpc = await grpcCall<Artist>(grpc, 'GetArtist', { id: RADIOHEAD });
    expect(rpc.error).toBeUndefined();
    expect(rpc.response?.images).toEqual([expect.objectContaining({ url: picture.url, width: 1200 })]);
  });

  it("should relay the picture through the cover proxy, following Commons' redirect to the upload host once", async () => {
    await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`).expect(200);
    fake.reset();
    const cover = await request(sut.httpUrl).get(`/v1/cover/${RADIOHEAD}?type=artist&size=500`);
    expect(cover.status).toBe(200);
    expect(cover.headers['content-type']).toBe('image/jpeg');
    expect(fake.requests('/commons').map((r) => [r.path, r.query.width])).toEqual([
      [`/commons/wiki/Special:FilePath/${FILE}`, '500'],
    ]);
    expect(fake.requests('/wikimedia-upload')[0]?.path).toMatch(
      /^\/wikimedia-upload\/wikipedia\/commons\/thumb\/.+\/500px-/,
    );
    const rpc = await grpcCall<{ contentType: string }>(grpc, 'GetCover', {
      id: RADIOHEAD,
      size: '500',
      type: 'artist',
    });
    expect(rpc.response?.contentType).toBe('image/jpeg');
    expect(fake.images.served).toBe(1);
  });

  it('should answer no pictures, complete and kept, for an item without P18 and for an artist linking nothing', async () => {
    for (const id of [BOARDS_OF_CANADA, NIRVANA_UK]) {
      const first = await request(sut.httpUrl).get(`/v1/artists/${id}`);
      expect(first.status).toBe(200);
      expect((first.body as Artist).images).toEqual([]);
      expect(first.headers['cache-control']).not.toMatch(/no-store/);
      const cover = await request(sut.httpUrl).get(`/v1/cover/${id}?type=artist`);
      expect(cover.status).toBe(404);
    }
    expect(fake.count('/wikidata/wiki/Special:EntityData/Q896283.json')).toBe(1);
    fake.reset();
    for (const id of [BOARDS_OF_CANADA, NIRVANA_UK]) {
      expect((await request(sut.httpUrl).get(`/v1/artists/${id}`)).status).toBe(200);
    }
    expect(fake.count()).toBe(0);
  });

  it('should ask no provider the second time, for the artist or its relayed picture', async () => {
    await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`).expect(200);
    await request(sut.httpUrl).get(`/v1/cover/${RADIOHEAD}?type=artist&size=250`).expect(200);
    fake.reset();
    const again = await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`);
    expect((again.body as Artist).images).toHaveLength(1);
    expect((await request(sut.httpUrl).get(`/v1/cover/${RADIOHEAD}?type=artist&size=250`)).status).toBe(200);
    expect(fake.count()).toBe(0);
  });

  it('should refuse a FilePath redirect to another host or to a private address, fetching nothing there', async () => {
    await request(sut.httpUrl).get(`/v1/artists/${RADIOHEAD}`).expect(200);
    const port = new URL(fake.baseUrl).port;
    // Another provider's image host is refused too (unit-tested in image.client.spec: here every provider shares the fake's host).
    for (const location of [
      'https://upload.wikimedia.org.evil.example/x.jpg',
      `http://localhost:${port}/wikimedia-upload/x.jpg`,
    ]) {
      fake.reset();
      fake.fault('/commons/wiki/Special:FilePath', { status: 302, location });
      const cover = await request(sut.httpUrl).get(`/v1/cover/${RADIOHEAD}?type=artist&size=1200`);
      expect([location, cover.status]).toEqual([location, 503]);
      expect((cover.body as { detail: string }).detail).toMatch(/redirect to .+ refused/);
      expect(fake.images.served).toBe(0);
    }
  });
});
