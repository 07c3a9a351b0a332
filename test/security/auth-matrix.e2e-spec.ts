import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { JwtService } from '@nestjs/jwt';
import { grpcCall, grpcClient } from '../support/grpc-client';
import {
  admin,
  bootSecuredApp,
  fillPath,
  grpcOperations,
  JWT_SECRET,
  login,
  PASSWORD,
  register,
  restOperations,
  type Account,
  type GrpcOperation,
  type RestOperation,
  type SecuredApp,
} from './security-helpers';

jest.setTimeout(120_000);

/**
 * The reviewed list of what anyone may call. Every other REST route and gRPC method, present or future, must
 * refuse a caller without a valid token: a new route is protected unless someone adds it here on purpose.
 */
const PUBLIC_REST = new Set([
  'GET /health/live',
  'GET /health/ready',
  'GET /health/startup',
  'GET /v1/providers',
  'POST /v1/auth/register',
  'POST /v1/auth/login',
  'POST /v1/auth/refresh',
  'GET /v1/search',
  'GET /v1/resolve',
  'GET /v1/artists/{id}',
  'GET /v1/artists/{id}/albums',
  'GET /v1/albums/{id}',
  'GET /v1/albums/{id}/cover-art',
  'GET /v1/albums/by-barcode/{barcode}',
  'GET /v1/cover/{id}',
  'GET /v1/releases/{id}',
  'GET /v1/tracks/{id}',
  'GET /v1/tracks/{id}/lyrics',
  'GET /v1/tracks/{id}/links',
  'GET /v1/tracks/{id}/genius',
  'GET /v1/artists/{id}/links',
  'GET /v1/albums/{id}/links',
  'GET /v1/artists/{id}/similar',
  'GET /v1/tracks/{id}/similar',
  'GET /v1/external-playlists/{id}/tracks',
  'GET /v1/tracks/by-isrc/{isrc}',
  'POST /v1/tracks:batchGet',
  'POST /v1/albums:batchGet',
  'POST /v1/artists:batchGet',
  // Library: charts are public; a playlist is readable by anyone only when its owner made it public.
  'GET /v1/charts/tracks',
  'GET /v1/charts/artists',
  'GET /v1/playlists/{id}',
  'GET /v1/playlists/{id}/tracks',
]);

const PUBLIC_GRPC = new Set([
  'AuthService/Register',
  'AuthService/Login',
  'AuthService/Refresh',
  'ProviderService/GetServiceStatus',
  'CatalogService/Search',
  'CatalogService/Resolve',
  'CatalogService/GetArtist',
  'CatalogService/ListArtistAlbums',
  'CatalogService/GetAlbum',
  'CatalogService/GetAlbumCoverArt',
  'CatalogService/GetAlbumByBarcode',
  'CatalogService/GetCover',
  'CatalogService/StreamCover',
  'CatalogService/GetRelease',
  'CatalogService/GetTrack',
  'CatalogService/GetTrackLyrics',
  'CatalogService/GetTrackLinks',
  'CatalogService/GetTrackGenius',
  'CatalogService/GetArtistLinks',
  'CatalogService/GetAlbumLinks',
  'CatalogService/ListSimilarArtists',
  'CatalogService/ListSimilarTracks',
  'CatalogService/ListExternalPlaylistTracks',
  'CatalogService/GetTrackByIsrc',
  'CatalogService/BatchGetTracks',
  'CatalogService/BatchGetAlbums',
  'CatalogService/BatchGetArtists',
  'LibraryService/GetTrackChart',
  'LibraryService/GetArtistChart',
  'LibraryService/GetPlaylist',
  'LibraryService/ListPlaylistTracks',
]);

const ADMIN_REST = (key: string): boolean => / \/v1\/admin\//.test(key);
const ADMIN_GRPC = new Set([
  'AuthService/ListUsers',
  'AuthService/SetUserRole',
  'CatalogService/PurgeEntity',
  'CatalogService/PurgeSearch',
]);

const jwt = new JwtService({});
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Every way a token can be wrong, each built from a genuine token of `victim`. */
function badTokens(victim: Account): Record<string, string> {
  const [header, payload, signature] = victim.accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const sign = (extra: Record<string, unknown>, options: { secret?: string; audience?: string } = {}): string =>
    jwt.sign(
      { role: claims.role, sid: claims.sid, jti: randomUUID(), sub: claims.sub, ...extra },
      {
        secret: options.secret ?? JWT_SECRET,
        algorithm: 'HS256',
        issuer: 'chorus',
        audience: options.audience ?? 'chorus-api',
      },
    );
  return {
    expired: sign({ iat: now - 3_600, exp: now - 60 }),
    tampered: `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
    badSignature: `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    otherAudience: sign({}, { audience: 'another-api' }),
    otherSecret: sign({}, { secret: 'a-different-secret-that-is-32-bytes-long!!' }),
    garbage: 'not-a-token',
  };
}

describe('Authentication and authorization matrix', () => {
  let secured: SecuredApp;
  let httpUrl: string;
  let rest: RestOperation[];
  let grpc: GrpcOperation[];
  let ann: Account;
  let bob: Account;
  let operator: Account;
  const clients = new Map<string, Client>();

  const client = (service: string): Client => {
    let found = clients.get(service);
    if (!found) {
      found = grpcClient(secured.app.grpcAddress, service);
      clients.set(service, found);
    }
    return found;
  };

  const restStatus = async (op: RestOperation, token?: string): Promise<number> => {
    const path = fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p, randomUUID()])));
    let req = request(httpUrl)[op.method](path);
    if (token !== undefined) {
      req = req.set('authorization', `Bearer ${token}`);
    }
    const response = op.method === 'get' || op.method === 'delete' ? await req : await req.send({});
    return response.status;
  };

  const grpcCode = async (op: GrpcOperation, token?: string): Promise<number | undefined> => {
    const result = await grpcCall(client(op.service), op.method, {}, token ? { authorization: `Bearer ${token}` } : {});
    return result.error?.code;
  };

  beforeAll(async () => {
    secured = await bootSecuredApp();
    httpUrl = secured.app.httpUrl;
    ann = await register(httpUrl, 'ann');
    bob = await register(httpUrl, 'bob');
    operator = await admin(httpUrl);
    rest = (await restOperations(httpUrl)).filter((op) => !op.path.startsWith('/docs'));
    grpc = grpcOperations();
  });

  afterAll(async () => {
    for (const c of clients.values()) {
      c.close();
    }
    await secured.close();
  });

  it('should refuse every protected REST route without a token or with any bad token', async () => {
    const protectedOps = rest.filter((op) => !PUBLIC_REST.has(op.key));
    expect(protectedOps.map((op) => op.key)).toEqual(expect.arrayContaining(['GET /v1/me', 'GET /v1/admin/users']));
    const tokens: Record<string, string | undefined> = { none: undefined, ...badTokens(ann) };
    const wrong: string[] = [];
    for (const op of protectedOps) {
      for (const [name, token] of Object.entries(tokens)) {
        const status = await restStatus(op, token);
        if (status !== 401) {
          wrong.push(`${op.key} with ${name} token → ${status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should refuse every protected gRPC method without a token or with any bad token', async () => {
    const protectedOps = grpc.filter((op) => !PUBLIC_GRPC.has(op.key));
    expect(protectedOps.map((op) => op.key)).toEqual(expect.arrayContaining(['AuthService/GetMe']));
    const tokens: Record<string, string | undefined> = { none: undefined, ...badTokens(ann) };
    const wrong: string[] = [];
    for (const op of protectedOps) {
      for (const [name, token] of Object.entries(tokens)) {
        const code = await grpcCode(op, token);
        if (code !== GrpcStatus.UNAUTHENTICATED) {
          wrong.push(`${op.key} with ${name} token → ${code}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should refuse admin routes and methods to a user token and allow them to an admin token', async () => {
    const adminRest = rest.filter((op) => ADMIN_REST(op.key));
    const adminGrpc = grpc.filter((op) => ADMIN_GRPC.has(op.key));
    expect(adminRest.length).toBeGreaterThanOrEqual(3);
    for (const op of adminRest) {
      expect([op.key, await restStatus(op, ann.accessToken)]).toEqual([op.key, 403]);
    }
    for (const op of adminGrpc) {
      expect([op.key, await grpcCode(op, ann.accessToken)]).toEqual([op.key, GrpcStatus.PERMISSION_DENIED]);
    }
    expect(
      (await request(httpUrl).get('/v1/admin/users').set('authorization', `Bearer ${operator.accessToken}`)).status,
    ).toBe(200);
  });

  it("should never let one user read or change another user's sessions, export or library", async () => {
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const annSessions = (await request(httpUrl).get('/v1/me/sessions').set(auth(ann.accessToken))).body as {
      sessions: Array<{ id: string }>;
    };
    const annSession = annSessions.sessions[0].id;
    const revoke = await request(httpUrl).delete(`/v1/me/sessions/${annSession}`).set(auth(bob.accessToken));
    expect([403, 404]).toContain(revoke.status);
    const overGrpc = await grpcCall(
      client('chorus.v1.AuthService'),
      'RevokeSession',
      { id: annSession },
      auth(bob.accessToken),
    );
    expect([GrpcStatus.NOT_FOUND, GrpcStatus.PERMISSION_DENIED]).toContain(overGrpc.error?.code);
    expect((await request(httpUrl).get('/v1/me').set(auth(ann.accessToken))).status).toBe(200);

    const bobExport = await request(httpUrl).get('/v1/me/export').set(auth(bob.accessToken));
    expect(bobExport.status).toBe(200);
    expect(bobExport.text).not.toContain(ann.email);
    expect(bobExport.text).not.toContain(ann.id);

    expect(rest.map((op) => op.key)).toContain('POST /v1/me/playlists');
    const favorite = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
    const added = await request(httpUrl)
      .put(`/v1/me/favorites/${favorite}`)
      .set(auth(ann.accessToken))
      .send({ type: 'artist' });
    expect(added.status).toBeLessThan(300);
    const bobFavorites = await request(httpUrl).get('/v1/me/favorites').set(auth(bob.accessToken));
    expect(bobFavorites.text).not.toContain(favorite);
    const annExport = await request(httpUrl).get('/v1/me/export').set(auth(ann.accessToken));
    expect(annExport.text).toContain(favorite);
    expect((await request(httpUrl).get('/v1/me/export').set(auth(bob.accessToken))).text).not.toContain(favorite);

    const playlist = await request(httpUrl)
      .post('/v1/me/playlists')
      .set(auth(ann.accessToken))
      .send({ name: 'private mix', isPublic: false });
    expect(playlist.status).toBe(201);
    const id = (playlist.body as { id: string }).id;
    const attempts = [
      await request(httpUrl).get(`/v1/playlists/${id}`).set(auth(bob.accessToken)),
      await request(httpUrl).get(`/v1/playlists/${id}`),
      await request(httpUrl).get(`/v1/playlists/${id}/tracks`).set(auth(bob.accessToken)),
      await request(httpUrl).patch(`/v1/playlists/${id}`).set(auth(bob.accessToken)).send({ name: 'mine now' }),
      await request(httpUrl)
        .post(`/v1/playlists/${id}/tracks`)
        .set(auth(bob.accessToken))
        .send({ trackIds: [favorite] }),
      await request(httpUrl).delete(`/v1/playlists/${id}`).set(auth(bob.accessToken)),
    ];
    expect(attempts.map((a) => a.status).filter((s) => s !== 404 && s !== 403)).toEqual([]);
    const still = await request(httpUrl).get(`/v1/playlists/${id}`).set(auth(ann.accessToken));
    expect([still.status, still.body.name]).toEqual([200, 'private mix']);
    const grpcRead = await grpcCall(client('chorus.v1.LibraryService'), 'GetPlaylist', { id }, auth(bob.accessToken));
    expect([GrpcStatus.NOT_FOUND, GrpcStatus.PERMISSION_DENIED]).toContain(grpcRead.error?.code);
  });

  it('should revoke the whole family on refresh-token reuse', async () => {
    const user = await register(httpUrl, 'reuse');
    const first = await request(httpUrl).post('/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    const rotated = first.body as { accessToken: string; refreshToken: string };
    const replay = await request(httpUrl).post('/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect([replay.status, replay.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    // The thief's replay ended the family: the legitimate, newer tokens stop working too.
    expect((await request(httpUrl).post('/v1/auth/refresh').send({ refreshToken: rotated.refreshToken })).status).toBe(
      401,
    );
    expect((await request(httpUrl).get('/v1/me').set('authorization', `Bearer ${rotated.accessToken}`)).status).toBe(
      401,
    );
  });

  it('should end every token issued before logout-everywhere or a password change', async () => {
    const user = await register(httpUrl, 'everywhere');
    const other = await login(httpUrl, user.email);
    const everywhere = await request(httpUrl)
      .post('/v1/auth/logout-everywhere')
      .set('authorization', `Bearer ${user.accessToken}`);
    expect(everywhere.status).toBe(204);
    for (const token of [user.accessToken, other.accessToken]) {
      expect((await request(httpUrl).get('/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
      expect(await grpcCode(grpc.find((op) => op.key === 'AuthService/GetMe') as GrpcOperation, token)).toBe(
        GrpcStatus.UNAUTHENTICATED,
      );
    }
    for (const refreshToken of [user.refreshToken, other.refreshToken]) {
      expect((await request(httpUrl).post('/v1/auth/refresh').send({ refreshToken })).status).toBe(401);
    }

    const changer = await register(httpUrl, 'changer');
    const elsewhere = await login(httpUrl, changer.email);
    const changed = await request(httpUrl)
      .post('/v1/me/password')
      .set('authorization', `Bearer ${changer.accessToken}`)
      .send({ currentPassword: PASSWORD, newPassword: 'a whole new passphrase' });
    expect(changed.status).toBe(204);
    expect((await request(httpUrl).get('/v1/me').set('authorization', `Bearer ${elsewhere.accessToken}`)).status).toBe(
      401,
    );
    expect(
      (await request(httpUrl).post('/v1/auth/refresh').send({ refreshToken: elsewhere.refreshToken })).status,
    ).toBe(401);
    expect(
      (await request(httpUrl).post('/v1/auth/login').send({ email: changer.email, password: PASSWORD })).status,
    ).toBe(401);
    await login(httpUrl, changer.email, 'a whole new passphrase');
  });
});
