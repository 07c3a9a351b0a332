import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { admin, bootSecuredApp, fillPath, login, register, type Account, type SecuredApp } from './security-helpers';

jest.setTimeout(180_000);

interface Schema {
  type?: string;
  minimum?: number;
  maximum?: number;
  default?: number;
}

interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
}

type Paths = Record<string, Record<string, Operation>>;

/** One list route as the served document describes it, with its gRPC twin (the operationId is the method's name). */
interface ListRoute {
  key: string;
  path: string;
  grpcMethod: string;
  limit: Schema;
  offset?: Schema;
}

/**
 * What each list needs besides its page, by gRPC method. A list route missing here fails the table below, so a
 * new one is tested the day it is added.
 */
const REQUIRED: Record<string, (ctx: { playlistId: string }) => Record<string, string>> = {
  Search: () => ({ q: 'daft punk', type: 'track' }),
  ListArtistAlbums: () => ({ id: 'deezer:27' }),
  ListFavorites: () => ({}),
  ListMyPlaylists: () => ({}),
  ListPlaylistImports: () => ({}),
  ListPlaylistTracks: (ctx) => ({ id: ctx.playlistId }),
  ListHistory: () => ({}),
  GetTrackChart: () => ({}),
  GetArtistChart: () => ({}),
  ListLoginAttempts: () => ({}),
  ListUsers: () => ({}),
  ListSimilarArtists: () => ({ id: 'deezer:27' }),
  ListSimilarTracks: () => ({ id: 'deezer:3135556' }),
  ListExternalPlaylistTracks: () => ({ id: 'deezer:908622995' }),
};

/**
 * Methods that answer a list without a `limit`, each bounded another way. Reviewed: a new method answering a
 * repeated field must take a limit or be added here with its bound.
 */
const BOUNDED_WITHOUT_LIMIT: Record<string, string> = {
  'AuthService/ListSessions': 'the 100 newest sessions, with total',
  'CatalogService/BatchGetTracks': 'one entry per id, at most 100 ids',
  'CatalogService/BatchGetAlbums': 'one entry per id, at most 100 ids',
  'CatalogService/BatchGetArtists': 'one entry per id, at most 100 ids',
  'LibraryService/AddPlaylistTracks': 'the tracks added, at most 100',
  'ProviderService/GetServiceStatus': 'one entry per provider',
  'LibraryService/ImportPlaylist': 'deprecated, unimplemented (StartPlaylistImport replaced it)',
  'LibraryService/StartPlaylistImport': 'a new job: no unresolved entries yet',
  'LibraryService/GetPlaylistImport': 'unresolved entries of one import, at most LIBRARY_IMPORT_MAX_TRACKS + 1',
  // One entity and its lists (genres, images, tracks...): one provider answer, capped by PROVIDER_MAX_RESPONSE_BYTES.
  'CatalogService/GetArtist': 'one provider answer',
  'CatalogService/GetAlbum': 'one provider answer',
  'CatalogService/GetAlbumByBarcode': 'one provider answer',
  'CatalogService/GetRelease': 'one provider answer',
  'CatalogService/GetTrack': 'one provider answer',
  'CatalogService/GetTrackByIsrc': 'one provider answer',
  'CatalogService/GetAlbumCoverArt': 'one provider answer',
  'CatalogService/GetTrackLinks': 'one link per platform',
  'CatalogService/GetAlbumLinks': 'one link per platform',
  'CatalogService/GetArtistLinks': 'one link per platform',
  'CatalogService/Resolve': 'one entity, one link per platform',
};

interface FieldDescriptor {
  name: string;
  label: string;
}
interface MethodDescriptor {
  requestType: { type: { field: FieldDescriptor[] } };
  responseType: { type: { field: FieldDescriptor[] } };
}

function grpcMethods(): Array<{ service: string; method: string; request: string[]; repeatedResponse: boolean }> {
  const definition = loadSync(chorusProtoFiles(), PROTO_LOADER_OPTIONS);
  return Object.entries(definition)
    .filter(([service, methods]) => service.startsWith('chorus.v1.') && !('format' in methods))
    .flatMap(([service, methods]) =>
      Object.entries(methods as unknown as Record<string, MethodDescriptor>).map(([method, descriptor]) => ({
        service: service.replace('chorus.v1.', ''),
        method,
        request: descriptor.requestType.type.field.map((f) => f.name),
        repeatedResponse: descriptor.responseType.type.field.some((f) => f.label === 'LABEL_REPEATED'),
      })),
    );
}

function listRoutes(paths: Paths): ListRoute[] {
  const routes: ListRoute[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const limit = operation.parameters?.find((p) => p.name === 'limit' && p.in === 'query');
      if (limit) {
        routes.push({
          key: `${method.toUpperCase()} ${path}`,
          path,
          grpcMethod: operation.operationId.charAt(0).toUpperCase() + operation.operationId.slice(1),
          limit: limit.schema ?? {},
          offset: operation.parameters?.find((p) => p.name === 'offset' && p.in === 'query')?.schema,
        });
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

function problemFields(body: unknown): string[] {
  return ((body as { errors?: Array<{ field: string }> }).errors ?? []).map((e) => e.field);
}

describe('Bounded lists (limit and offset)', () => {
  let sut: SecuredApp;
  let caller: Account;
  let paths: Paths;
  let routes: ListRoute[];
  let playlistId: string;
  const clients = new Map<string, Client>();

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${caller.accessToken}` });
  const grpcFor = (method: string): Client => {
    const service = grpcMethods().find((m) => m.method === method)?.service ?? 'missing';
    const client = clients.get(service) ?? grpcClient(sut.app.grpcAddress, `chorus.v1.${service}`);
    clients.set(service, client);
    return client;
  };
  const rest = (route: ListRoute, page: Record<string, string | number>): request.Test => {
    const fields = REQUIRED[route.grpcMethod]({ playlistId });
    const query = Object.fromEntries(Object.entries(fields).filter(([name]) => !route.path.includes(`{${name}}`)));
    return request(sut.app.httpUrl)
      .get(fillPath(route.path, fields))
      .query({ ...query, ...page })
      .set(auth());
  };
  const grpc = (route: ListRoute, page: Record<string, number>) =>
    grpcCall(
      grpcFor(route.grpcMethod),
      route.grpcMethod,
      { ...REQUIRED[route.grpcMethod]({ playlistId }), ...page },
      {
        authorization: `Bearer ${caller.accessToken}`,
      },
    );

  beforeAll(async () => {
    sut = await bootSecuredApp();
    caller = await admin(sut.app.httpUrl);
    paths = ((await request(sut.app.httpUrl).get('/docs-json')).body as { paths: Paths }).paths;
    routes = listRoutes(paths);
    const created = await request(sut.app.httpUrl).post('/v1/me/playlists').set(auth()).send({ name: 'limits' });
    playlistId = (created.body as { id: string }).id;
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await sut?.close();
  });

  it('should document a minimum, maximum and default for every limit, and bounds for every offset', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      expect({ route: route.key, limit: route.limit }).toEqual({
        route: route.key,
        limit: expect.objectContaining({
          type: 'integer',
          minimum: 1,
          maximum: expect.any(Number) as number,
          default: expect.any(Number) as number,
        }) as Schema,
      });
      expect(route.limit.default).toBeLessThanOrEqual(route.limit.maximum ?? 0);
    }
    for (const [path, methods] of Object.entries(paths)) {
      for (const operation of Object.values(methods)) {
        for (const offset of (operation.parameters ?? []).filter((p) => p.name === 'offset')) {
          expect({ path, offset: offset.schema }).toEqual({
            path,
            offset: expect.objectContaining({ minimum: 0, maximum: expect.any(Number) as number }) as Schema,
          });
        }
      }
    }
  });

  it('should have a gRPC twin with a limit for every REST list route, and no gRPC list without either', () => {
    const methods = grpcMethods();
    const withLimit = methods.filter((m) => m.request.includes('limit')).map((m) => m.method);
    expect(withLimit.sort()).toEqual(routes.map((r) => r.grpcMethod).sort());
    expect(Object.keys(REQUIRED).sort()).toEqual(routes.map((r) => r.grpcMethod).sort());
    const unbounded = methods
      .filter((m) => m.repeatedResponse && !m.request.includes('limit'))
      .map((m) => `${m.service}/${m.method}`)
      .filter((key) => !(key in BOUNDED_WITHOUT_LIMIT));
    expect(unbounded).toEqual([]);
  });

  it('should answer limit=max and refuse max+1, 0 and negatives naming limit on REST, asking no provider', async () => {
    for (const route of routes) {
      const max = route.limit.maximum ?? 0;
      const ok = await rest(route, { limit: max });
      expect({ route: route.key, status: ok.status }).toEqual({ route: route.key, status: 200 });
      const asked = sut.fake.count();
      for (const limit of [max + 1, 0, -1, 1_000_000_000]) {
        const refused = await rest(route, { limit });
        expect({ route: route.key, limit, status: refused.status, fields: problemFields(refused.body) }).toEqual({
          route: route.key,
          limit,
          status: 400,
          fields: ['limit'],
        });
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      if (route.offset?.maximum !== undefined) {
        for (const offset of [route.offset.maximum + 1, -1]) {
          const refused = await rest(route, { offset });
          expect({ route: route.key, offset, status: refused.status, fields: problemFields(refused.body) }).toEqual({
            route: route.key,
            offset,
            status: 400,
            fields: ['offset'],
          });
        }
      }
      expect({ route: route.key, asked: sut.fake.count() }).toEqual({ route: route.key, asked });
    }
  });

  it('should answer limit=max and 0 (unset: the default) and refuse max+1 and negatives naming limit on gRPC', async () => {
    for (const route of routes) {
      const max = route.limit.maximum ?? 0;
      for (const limit of [max, 0]) {
        const ok = await grpc(route, { limit });
        expect({ method: route.grpcMethod, limit, code: ok.error?.code }).toEqual({
          method: route.grpcMethod,
          limit,
          code: undefined,
        });
      }
      const page = route.offset?.maximum === undefined ? [] : [{ offset: route.offset.maximum + 1 }, { offset: -1 }];
      for (const bad of [{ limit: max + 1 }, { limit: -1 }, ...page]) {
        const refused = await grpc(route, bad);
        const violations = JSON.parse(
          String(refused.error?.metadata.get('chorus-field-violations')[0] ?? '[]'),
        ) as Array<{ field: string }>;
        expect({
          method: route.grpcMethod,
          bad,
          code: refused.error?.code,
          fields: violations.map((v) => v.field),
        }).toEqual({
          method: route.grpcMethod,
          bad,
          code: GrpcStatus.INVALID_ARGUMENT,
          fields: Object.keys(bad),
        });
      }
    }
  });

  it('should answer at most limit items, the default when none is named, with the full total', async () => {
    const owner = await register(sut.app.httpUrl, 'pages');
    const headers = { authorization: `Bearer ${owner.accessToken}` };
    for (let i = 0; i < 101; i += 1) {
      await request(sut.app.httpUrl)
        .post('/v1/me/playlists')
        .set(headers)
        .send({ name: `p${i}` })
        .expect(201);
    }
    const page = (query: string) =>
      request(sut.app.httpUrl)
        .get(`/v1/me/playlists${query}`)
        .set(headers)
        .then((r) => r.body as { playlists: unknown[]; total: number });
    expect(await page('?limit=100')).toMatchObject({ total: 101 });
    expect((await page('?limit=100')).playlists).toHaveLength(100);
    expect((await page('')).playlists).toHaveLength(25);
    expect((await page('?limit=100&offset=100')).playlists).toHaveLength(1);
  });

  it('should list at most 100 sessions, the caller’s own first, with the total', async () => {
    const owner = await register(sut.app.httpUrl, 'sessions');
    for (let i = 0; i < 100; i += 1) {
      await login(sut.app.httpUrl, owner.email);
    }
    // The first session (registration's) is the oldest: the list still shows it first to its own caller.
    type Sessions = { sessions: Array<{ current: boolean }>; total: number };
    const rest = (
      await request(sut.app.httpUrl)
        .get('/v1/me/sessions')
        .set({ authorization: `Bearer ${owner.accessToken}` })
        .expect(200)
    ).body as Sessions;
    expect(rest.total).toBe(101);
    expect(rest.sessions).toHaveLength(100);
    expect(rest.sessions[0].current).toBe(true);
    const client = grpcClient(sut.app.grpcAddress, 'chorus.v1.AuthService');
    try {
      const viaGrpc = await grpcCall<Sessions>(
        client,
        'ListSessions',
        {},
        {
          authorization: `Bearer ${owner.accessToken}`,
        },
      );
      expect(viaGrpc.response?.sessions).toHaveLength(100);
      expect(viaGrpc.response?.total).toBe(101);
    } finally {
      client.close();
    }
  });
});
