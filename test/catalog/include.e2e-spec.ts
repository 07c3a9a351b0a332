import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DAFT_PUNK = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const NIRVANA = '5b11f4ce-a62d-471e-81fc-a69a8278c7da';
const LADY_GAGA = '650e7db6-b795-4eb5-a702-5ea2fc46c848';
const HBFS = '7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
const ONE_MORE_TIME = '2d3c4b5a-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const DISCOVERY_RELEASE = '5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70';
const NIRVANA_UK = '9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6';

interface Related {
  artist: { id: string; name: string };
  type: string;
  direction: string;
  beginDate?: string;
  endDate?: string;
  ended: boolean;
}

interface CreditBody {
  role: string;
  artist: { name: string };
  credited?: string;
  instruments: string[];
  attributes: string[];
  work?: { id: string; title: string };
}

const names = (list: Array<{ artist: { name: string } }>): string[] => list.map((item) => item.artist.name).sort();
const EXTRA_FIELDS = ['aliases', 'relations', 'credits', 'includeStatus', 'includeFailures'];

describe('Lookups with include= (relations, credits, aliases, genres, tags)', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  const extrasRows = async (): Promise<Array<{ kind: string; public_id: string; part: string }>> =>
    queryDatabase(sut.database.url, `SELECT kind, public_id, part FROM catalog_extras ORDER BY kind, public_id, part`);

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

  it('should answer an artist with its members, collaborations and aliases, and the second time ask no provider', async () => {
    const first = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}?include=aliases,relations`);
    expect(first.status).toBe(200);
    expect(first.body.includeStatus).toBe('OK');
    expect(first.body.includeFailures).toEqual([]);
    const relations = first.body.relations as Record<string, Related[]>;
    expect(names(relations.members)).toEqual(['Guy-Manuel de Homem-Christo', 'Thomas Bangalter']);
    expect(relations.members[0]).toMatchObject({ type: 'member of band', direction: 'backward', ended: true });
    expect(relations.memberOf).toEqual([]);
    expect(names(relations.collaborations)).toEqual(['Daft Punk & Pharrell Williams']);
    expect(first.body.aliases).toEqual([
      { name: 'Daft', sortName: 'Daft', primary: false },
      { name: 'Дафт Панк', sortName: 'Дафт Панк', type: 'Artist name', locale: 'ru', primary: true },
    ]);
    // The base lookup as before, and one lookup asking MusicBrainz for exactly the extra parts.
    const calls = fake.requests(`/musicbrainz/ws/2/artist/${DAFT_PUNK}`).map((call) => call.query.inc);
    expect(calls).toEqual(['aliases genres tags url-rels', 'aliases artist-rels']);
    expect(await extrasRows()).toEqual([
      { kind: 'artist', public_id: `musicbrainz:${DAFT_PUNK}`, part: 'aliases' },
      { kind: 'artist', public_id: `musicbrainz:${DAFT_PUNK}`, part: 'relations' },
    ]);

    fake.clearLog();
    const again = await request(sut.httpUrl).get(
      `/v1/artists/musicbrainz:${DAFT_PUNK}?include=relations&include=aliases`,
    );
    expect(again.status).toBe(200);
    expect(again.body.relations).toEqual(first.body.relations);
    const grpcAnswer = await grpcCall<Record<string, unknown>>(grpc, 'GetArtist', {
      id: DAFT_PUNK,
      include: ['aliases'],
    });
    expect(grpcAnswer.error).toBeUndefined();
    expect(grpcAnswer.response?.aliases).toHaveLength(2);
    expect(fake.count('/musicbrainz')).toBe(0);
  });

  it('should answer a track’s composer, lyricist, producers and performers with instruments over gRPC', async () => {
    const { response, error } = await grpcCall<{ credits: CreditBody[]; includeStatus: string; title: string }>(
      grpc,
      'GetTrack',
      { id: `musicbrainz:${HBFS}`, include: ['credits'] },
    );
    expect(error).toBeUndefined();
    expect(response?.title).toBe('Harder, Better, Faster, Stronger');
    expect(response?.includeStatus).toBe('OK');
    const byRole = (role: string) => (response?.credits ?? []).filter((credit) => credit.role === role);
    expect(names(byRole('composer'))).toEqual(['Edwin Birdsong', 'Thomas Bangalter']);
    expect(byRole('composer').find((c) => c.artist.name === 'Edwin Birdsong')?.attributes).toEqual(['additional']);
    expect(byRole('composer')[0].work?.title).toBe('Harder, Better, Faster, Stronger');
    expect(names(byRole('lyricist'))).toEqual(['Guy-Manuel de Homem-Christo']);
    expect(names(byRole('producer'))).toEqual(['Guy-Manuel de Homem-Christo', 'Thomas Bangalter']);
    const performers = byRole('performer').map((c) => [c.artist.name, c.instruments, c.credited ?? '']);
    expect(performers).toEqual(
      expect.arrayContaining([
        ['Thomas Bangalter', ['synthesizer', 'talk box'], ''],
        ['Guy-Manuel de Homem-Christo', ['lead vocals'], 'Daft Punk'],
      ]),
    );
    const incs = fake.requests(`/musicbrainz/ws/2/recording/${HBFS}`).map((call) => call.query.inc);
    expect(incs[1]).toBe('artist-rels work-rels work-level-rels');

    fake.clearLog();
    const rest = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}?include=credits`);
    expect(rest.status).toBe(200);
    expect(rest.body.credits).toHaveLength(response?.credits.length ?? -1);
    expect(fake.count('/')).toBe(0);
  });

  it('should answer release labels with catalog numbers, genres and tags with counts', async () => {
    const res = await request(sut.httpUrl).get(`/v1/releases/${DISCOVERY_RELEASE}?include=labels,genres,tags`);
    expect(res.status).toBe(200);
    expect(res.body.labels.length).toBeGreaterThan(0);
    expect(res.body.labels[0].catalogNumber).toEqual(expect.any(String));
    expect(res.body.genres).toEqual([{ name: 'electronic', count: 7 }]);
    expect(res.body.tags).toEqual([
      { name: 'french house', count: 5 },
      { name: 'disco', count: 2 },
    ]);
    expect(fake.requests(`/musicbrainz/ws/2/release/${DISCOVERY_RELEASE}`).map((c) => c.query.inc)[1]).toBe(
      'genres tags',
    );
  });

  it('should answer empty lists, not errors, when the provider has no such data', async () => {
    const artist = await request(sut.httpUrl).get(`/v1/artists/${NIRVANA}?include=relations,aliases`);
    expect(artist.status).toBe(200);
    expect(artist.body.relations).toEqual({ members: [], memberOf: [], collaborations: [], other: [] });
    expect(artist.body.aliases).toEqual([]);
    expect(artist.body.includeStatus).toBe('OK');

    const track = await grpcCall<{ credits?: unknown[]; includeStatus: string }>(grpc, 'GetTrack', {
      id: ONE_MORE_TIME,
      include: ['credits', 'aliases'],
    });
    expect(track.error).toBeUndefined();
    expect(track.response?.credits ?? []).toEqual([]);
    expect(track.response?.includeStatus).toBe('OK');

    // A Deezer track has no MusicBrainz relations to ask for: empty, and MusicBrainz is not asked.
    fake.clearLog();
    const deezer = await request(sut.httpUrl).get('/v1/tracks/deezer:3135556?include=credits');
    expect(deezer.status).toBe(200);
    expect(deezer.body.credits).toEqual([]);
    expect(fake.count('/deezer')).toBe(1);
    expect(fake.count('/musicbrainz')).toBe(0);
  });

  it('should answer exactly as before without include, with no extra provider call', async () => {
    const res = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`);
    expect(res.status).toBe(200);
    for (const field of EXTRA_FIELDS) {
      expect(res.body).not.toHaveProperty(field);
    }
    const cold = await request(sut.httpUrl).get(`/v1/artists/${LADY_GAGA}`);
    expect(cold.status).toBe(200);
    for (const field of EXTRA_FIELDS) {
      expect(cold.body).not.toHaveProperty(field);
    }
    expect(fake.requests('/musicbrainz').map((c) => c.query.inc)).toEqual(['aliases genres tags url-rels']);
  });

  it('should refuse an unknown include, or one the entity kind lacks, naming include, and store nothing', async () => {
    const unknown = 'a1b2c3d4-0000-4000-8000-000000000099';
    const bogus = await request(sut.httpUrl).get(`/v1/artists/${unknown}?include=bogus`);
    expect(bogus.status).toBe(400);
    expect(JSON.stringify(bogus.body)).toContain('include');
    const wrongKind = await request(sut.httpUrl).get(`/v1/artists/${unknown}?include=credits`);
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.errors).toEqual([expect.objectContaining({ field: 'include' })]);
    const grpcBad = await grpcCall(grpc, 'GetTrack', { id: unknown, include: ['relations'] });
    expect(grpcBad.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(grpcBad.error?.details).toContain('include');
    const grpcBogus = await grpcCall(grpc, 'GetAlbum', { id: unknown, include: ['everything'] });
    expect(grpcBogus.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(fake.count('/')).toBe(0);
    const stored = await queryDatabase<{ n: string }>(
      sut.database.url,
      `SELECT count(*) AS n FROM catalog_artists WHERE public_id = $1`,
      [`musicbrainz:${unknown}`],
    );
    expect(Number(stored[0].n)).toBe(0);
  });

  it('should forget an entity’s extras with the entity when an admin purges it', async () => {
    const path = `/v1/artists/${NIRVANA}?include=aliases`;
    expect((await request(sut.httpUrl).get(path)).status).toBe(200);
    const user = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .send({ email: 'extras-admin@example.com', password: 'a long enough password' });
    await queryDatabase(
      sut.database.url,
      `UPDATE auth_users SET role = 'admin' WHERE email = 'extras-admin@example.com'`,
    );
    const purged = await request(sut.httpUrl)
      .delete(`/v1/admin/catalog/entities/artist/${NIRVANA}`)
      .set('authorization', `Bearer ${user.body.tokens.accessToken as string}`);
    expect(purged.status).toBe(200);
    expect((await extrasRows()).filter((row) => row.public_id === `musicbrainz:${NIRVANA}`)).toEqual([]);

    fake.clearLog();
    const again = await request(sut.httpUrl).get(path);
    expect(again.body.aliases).toEqual([]);
    // The entity and its aliases are both asked again: nothing was left in any cache.
    expect(fake.requests(`/musicbrainz/ws/2/artist/${NIRVANA}`).map((call) => call.query.inc)).toEqual([
      'aliases genres tags url-rels',
      'aliases',
    ]);
  });

  it('should answer the kept entity PARTIAL, naming what could not be fetched, while MusicBrainz is down', async () => {
    const kept = await request(sut.httpUrl).get(`/v1/artists/${LADY_GAGA}`);
    expect(kept.status).toBe(200);
    fake.fault('/musicbrainz', { status: 503 });

    const res = await request(sut.httpUrl).get(`/v1/artists/${LADY_GAGA}?include=aliases,relations`);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Lady Gaga');
    expect(res.body.includeStatus).toBe('PARTIAL');
    expect(res.body.includeFailures).toEqual([
      expect.objectContaining({ provider: 'musicbrainz', code: 'UPSTREAM_UNAVAILABLE' }),
    ]);
    expect(res.body.includeFailures[0].message).toContain('aliases, relations');
    expect(res.body).not.toHaveProperty('aliases');
    expect(res.headers['cache-control']).toBe('no-store');

    const viaGrpc = await grpcCall<{ includeStatus: string; includeFailures: unknown[] }>(grpc, 'GetArtist', {
      id: LADY_GAGA,
      include: ['aliases'],
    });
    expect(viaGrpc.error).toBeUndefined();
    expect(viaGrpc.response?.includeStatus).toBe('PARTIAL');
    expect(viaGrpc.response?.includeFailures).toHaveLength(1);
    expect((await extrasRows()).filter((row) => row.public_id === `musicbrainz:${LADY_GAGA}`)).toEqual([]);

    fake.clearFaults();
    const later = await request(sut.httpUrl).get(`/v1/artists/${LADY_GAGA}?include=aliases,relations`);
    expect(later.body.includeStatus).toBe('OK');
    expect(later.body.aliases).toEqual([]);
  });

  it('should answer the parts a gRPC read_mask names, fetch none without it, and refuse an unknown path', async () => {
    const plain = await grpcCall<Record<string, unknown>>(grpc, 'GetArtist', { id: NIRVANA_UK });
    expect(plain.error).toBeUndefined();
    for (const field of EXTRA_FIELDS) {
      expect(plain.response).not.toHaveProperty(field);
    }
    const incs = () => fake.requests(`/musicbrainz/ws/2/artist/${NIRVANA_UK}`).map((call) => call.query.inc);
    expect(incs()).toEqual(['aliases genres tags url-rels']);

    const masked = await grpcCall<{ relations: Record<string, unknown[]>; includeStatus: string }>(grpc, 'GetArtist', {
      id: NIRVANA_UK,
      readMask: { paths: ['relations'] },
    });
    expect(masked.error).toBeUndefined();
    expect(masked.response?.includeStatus).toBe('OK');
    // Present though empty (gRPC leaves empty lists off the wire): this artist has no artist relations.
    expect(masked.response).toHaveProperty('relations');
    expect(masked.response).not.toHaveProperty('aliases');
    expect(incs()).toEqual(['aliases genres tags url-rels', 'artist-rels']);

    const daftPunk = await grpcCall<{ relations: Record<string, Related[]> }>(grpc, 'GetArtist', {
      id: DAFT_PUNK,
      readMask: { paths: ['relations'] },
    });
    expect(names(daftPunk.response?.relations.members ?? [])).toEqual([
      'Guy-Manuel de Homem-Christo',
      'Thomas Bangalter',
    ]);
    // REST takes the mask's proto3 JSON form (one comma-separated string) and answers the same.
    const rest = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK}?readMask=relations`);
    expect(rest.status).toBe(200);
    expect(names(rest.body.relations.members as Related[])).toEqual(names(daftPunk.response?.relations.members ?? []));

    fake.clearLog();
    const unknown = 'a1b2c3d4-0000-4000-8000-000000000098';
    const bogus = await grpcCall(grpc, 'GetTrack', { id: unknown, readMask: { paths: ['relations'] } });
    expect(bogus.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(bogus.error?.details).toContain('readMask');
    const both = await grpcCall(grpc, 'GetArtist', {
      id: unknown,
      include: ['aliases'],
      readMask: { paths: ['relations'] },
    });
    expect(both.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(both.error?.details).toContain('readMask');
    const restBogus = await request(sut.httpUrl).get(`/v1/tracks/${unknown}?readMask=credits,everything`);
    expect(restBogus.status).toBe(400);
    expect(restBogus.body.errors).toEqual([expect.objectContaining({ field: 'readMask' })]);
    expect(fake.count('/')).toBe(0);
  });
});
