import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

interface Hit {
  id: string;
  title: string;
  sources: string[];
  disambiguation?: string;
}

interface SearchBody {
  status: string;
  items: Hit[];
  limit: number;
  offset: number;
  total?: number;
  estimatedTotal?: number;
}

const DAFT_PUNK_MB = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const NIRVANA_US = 'musicbrainz:5b11f4ce-a62d-471e-81fc-a69a8278c7da';
const NIRVANA_UK = 'musicbrainz:9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6';

describe('Search: limit, paging and ranking over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  const rest = async (query: string): Promise<SearchBody> => {
    const response = await request(sut.httpUrl).get(`/v1/search?${query}`);
    expect(response.status).toBe(200);
    return response.body as SearchBody;
  };
  const rpc = async (body: Record<string, unknown>): Promise<SearchBody> => {
    const answer = await grpcCall<SearchBody>(grpc, 'Search', body);
    expect(answer.error).toBeUndefined();
    return answer.response as SearchBody;
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

  it.each(['artist', 'album', 'release', 'track'])('should answer at most `limit` items for type=%s', async (type) => {
    const overRest = await rest(`q=daft punk&type=${type}&limit=5`);
    expect(overRest.items).toHaveLength(5);
    expect(overRest.total ?? overRest.estimatedTotal).toBeGreaterThanOrEqual(5);
    const overGrpc = await rpc({ q: 'daft punk', type, limit: 5 });
    expect(overGrpc.items.map((hit) => hit.id)).toEqual(overRest.items.map((hit) => hit.id));
    expect(overGrpc.total ?? overGrpc.estimatedTotal).toBe(overRest.total ?? overRest.estimatedTotal);
  });

  it('should page through one merged list: pages follow each other with no repeat or gap', async () => {
    const page1 = await rest('q=daft punk&type=artist&limit=5');
    const page2 = await rest('q=daft punk&type=artist&limit=5&offset=5');
    const page3 = await rpc({ q: 'daft punk', type: 'artist', limit: 5, offset: 10 });
    const whole = await rest('q=daft punk&type=artist&limit=15');
    const ids = [...page1.items, ...page2.items, ...page3.items].map((hit) => hit.id);
    expect(new Set(ids).size).toBe(15);
    expect(whole.items.map((hit) => hit.id)).toEqual(ids);
    expect(page2.offset).toBe(5);
  });

  it('should read a provider deeper only for a page past the kept list, and end with an exact total', async () => {
    const ids: string[] = [];
    let last: SearchBody | undefined;
    for (let offset = 0; offset < 40; offset += 5) {
      last = await rest(`q=daft punk&type=artist&providers=musicbrainz&limit=5&offset=${offset}`);
      ids.push(...last.items.map((hit) => hit.id));
    }
    expect(ids).toHaveLength(23);
    expect(new Set(ids).size).toBe(23);
    expect(ids[0]).toBe(DAFT_PUNK_MB);
    expect(last?.total).toBe(23);
    expect(last?.estimatedTotal).toBeUndefined();
    // 10 deep first, then 10 more at offset 10 and 20: three calls for eight pages.
    expect(fake.requests('/musicbrainz/ws/2/artist').map((r) => [r.query.offset, r.query.limit])).toEqual([
      ['0', '10'],
      ['10', '10'],
      ['20', '10'],
    ]);
  });

  it('should rank the exact name first although a provider scored another name higher', async () => {
    const body = await rest('q=daft punk&type=artist&limit=10');
    const exact = body.items.filter((hit) => hit.title === 'Daft Punk').length;
    expect(exact).toBeGreaterThan(1);
    expect(body.items.slice(0, exact).every((hit) => hit.title === 'Daft Punk')).toBe(true);
    expect(body.items[0].id).toBe(DAFT_PUNK_MB);
  });

  it.each([
    ['musicbrainz,deezer', 'deezer:6404'],
    ['musicbrainz,itunes', 'itunes:15066'],
  ])('should rank the exact name first whichever provider found it (%s)', async (providers, expected) => {
    const overRest = await rest(`q=justice&type=artist&providers=${providers}`);
    expect(overRest.items[0]).toMatchObject({ id: expected, title: 'Justice' });
    const overGrpc = await rpc({ q: 'Justice', type: 'artist', providers });
    expect(overGrpc.items[0].id).toBe(expected);
  });

  it('should keep two same-named artists with different MBIDs apart, each with its disambiguation', async () => {
    const body = await rest('q=nirvana&type=artist');
    const nirvanas = body.items.filter((hit) => hit.title === 'Nirvana');
    expect(nirvanas.map((hit) => hit.id)).toEqual(expect.arrayContaining([NIRVANA_US, NIRVANA_UK]));
    const us = nirvanas.find((hit) => hit.id === NIRVANA_US);
    expect(us?.disambiguation).toBe('90s US grunge band');
    // Deezer's Nirvana carries no evidence of being either band: it stays its own hit too.
    expect(nirvanas).toHaveLength(3);
    const overGrpc = await rpc({ q: 'nirvana', type: 'artist' });
    expect(overGrpc.items.find((hit) => hit.id === NIRVANA_UK)?.disambiguation).toBe('60s band from the UK');
  });

  it('should refuse an offset past 1000 naming the field, on both transports', async () => {
    const response = await request(sut.httpUrl).get('/v1/search?q=daft punk&type=artist&offset=1001');
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('offset');
    const overGrpc = await grpcCall(grpc, 'Search', { q: 'daft punk', type: 'artist', offset: 1001 });
    expect(overGrpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(fake.count('/')).toBe(0);
  });
});
