import { randomUUID } from 'node:crypto';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { JwtService } from '@nestjs/jwt';
import { FakeUpstream } from '../fake-upstream';
import { AUTH_TEST_SETTINGS, bearer, JWT_SECRET, registerRest, type AuthBody } from '../auth/auth-helpers';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { artist, call, DAFT_PUNK, DEEZER_PLAYLIST } from './quota-helpers';

const DIGITAL_LOVE = 'deezer:3135554';

/** A token of `account` that expired a minute ago, signed with the app's own key. */
function expiredToken(account: AuthBody): string {
  const claims = JSON.parse(Buffer.from(account.tokens.accessToken.split('.')[1], 'base64url').toString()) as {
    sub: string;
    sid: string;
    role: string;
  };
  const now = Math.floor(Date.now() / 1000);
  return new JwtService({}).sign(
    { sub: claims.sub, sid: claims.sid, role: claims.role, jti: randomUUID(), iat: now - 3_600, exp: now - 60 },
    { secret: JWT_SECRET, algorithm: 'HS256', issuer: 'chorus', audience: 'chorus-api' },
  );
}

/**
 * Catalog routes are open: they check no token, yet a signed-in caller's provider work draws on that user's
 * budget there too, so the users behind one address (a NAT, an office) do not share, nor pay for that address's
 * anonymous traffic. Every caller here is 127.0.0.1.
 */
describe('Provider quotas of signed-in callers on open routes', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let app: TestApp | undefined;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('quota_callers');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    fake.reset();
  });

  afterAll(async () => {
    await fake.stop();
    await db.drop();
  });

  async function boot(budget: string): Promise<TestApp> {
    app = await bootTestApp(
      upstreamEnv(fake, {
        ...AUTH_TEST_SETTINGS,
        PROVIDER_CALLER_BUDGET: budget,
        REDIS_KEY_PREFIX: `test:quota-callers:${randomUUID()}:`,
        LOG_LEVEL: 'error',
      }),
      db,
    );
    return app;
  }

  const cold = (sut: TestApp, headers: Record<string, string> = {}) =>
    call(sut, artist(randomUUID()), { headers }).then((reply) => reply.status);

  it("should give two users behind one address a budget each, untouched by the address's anonymous flood (REST)", async () => {
    const sut = await boot('2/600s');
    const [ann, bob] = [await registerRest(sut.httpUrl), await registerRest(sut.httpUrl)];
    const annToken = bearer(ann.tokens.accessToken);

    // The address's anonymous flood spends the address's budget only.
    expect([await cold(sut), await cold(sut), await cold(sut)]).toEqual([404, 404, 429]);

    expect([await cold(sut, annToken), await cold(sut, annToken), await cold(sut, annToken)]).toEqual([404, 404, 429]);
    expect(await cold(sut, bearer(bob.tokens.accessToken))).toBe(404);
    expect(await cold(sut)).toBe(429);
  });

  it('should count a bad or expired token on an open route as no token: the address pays, and nothing is refused 401 (REST)', async () => {
    const sut = await boot('2/600s');
    const ann = await registerRest(sut.httpUrl);
    const expired = bearer(expiredToken(ann));
    const garbage = bearer('not.a.token');

    expect((await call(sut, artist(DAFT_PUNK), { headers: expired })).status).toBe(200);
    expect(await cold(sut, garbage)).toBe(404);

    // Both went to the address's budget, not Ann's.
    expect(await cold(sut)).toBe(429);
    expect(await cold(sut, expired)).toBe(429);
    expect(await cold(sut, bearer(ann.tokens.accessToken))).toBe(404);
    // A warm answer is served whatever the token.
    const warm = await call(sut, artist(DAFT_PUNK), { headers: expired });
    expect(warm.status).toBe(200);
    expect(warm.body.name).toBe('Daft Punk');
  });

  describe('over gRPC', () => {
    let catalog: Client;

    afterEach(() => catalog.close());

    const coldRpc = async (headers: Record<string, string> = {}): Promise<number | undefined> => {
      const { error } = await grpcCall(catalog, 'GetArtist', { id: randomUUID() }, headers);
      return error?.code;
    };

    it("should give two users behind one address a budget each, untouched by the address's anonymous flood", async () => {
      const sut = await boot('2/600s');
      catalog = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
      const [ann, bob] = [await registerRest(sut.httpUrl), await registerRest(sut.httpUrl)];
      const annToken = bearer(ann.tokens.accessToken);
      const { NOT_FOUND, RESOURCE_EXHAUSTED } = GrpcStatus;

      expect([await coldRpc(), await coldRpc(), await coldRpc()]).toEqual([NOT_FOUND, NOT_FOUND, RESOURCE_EXHAUSTED]);

      expect([await coldRpc(annToken), await coldRpc(annToken), await coldRpc(annToken)]).toEqual([
        NOT_FOUND,
        NOT_FOUND,
        RESOURCE_EXHAUSTED,
      ]);
      expect(await coldRpc(bearer(bob.tokens.accessToken))).toBe(NOT_FOUND);
      // An expired token is no token: the address's budget, not UNAUTHENTICATED.
      expect(await coldRpc(bearer(expiredToken(bob)))).toBe(RESOURCE_EXHAUSTED);
    });

    it("should count links and imports against the signed-in user's budget", async () => {
      const sut = await boot('3/600s');
      catalog = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
      const library = grpcClient(sut.grpcAddress, 'chorus.v1.LibraryService');
      try {
        const ann = await registerRest(sut.httpUrl);
        const token = bearer(ann.tokens.accessToken);

        const links = await grpcCall(catalog, 'GetTrackLinks', { id: DIGITAL_LOVE }, token);
        expect(links.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
        expect(links.error?.metadata.get('ratelimit-policy')).toEqual(['"provider";q=3;w=600']);
        const imported = await grpcCall(library, 'StartPlaylistImport', { url: DEEZER_PLAYLIST }, token);
        expect(imported.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);

        // The address, anonymous, still has its own.
        expect(await coldRpc()).toBe(GrpcStatus.NOT_FOUND);
      } finally {
        library.close();
      }
    });
  });

  it("should count a track's links against the caller's budget, a provider call each (REST)", async () => {
    const sut = await boot('3/600s');
    const ann = await registerRest(sut.httpUrl);
    const before = fake.count();

    const refused = await call(sut, `/v1/tracks/${DIGITAL_LOVE}/links`, { headers: bearer(ann.tokens.accessToken) });

    expect(refused.status).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe('"provider";q=3;w=600');
    expect(fake.count() - before).toBeLessThanOrEqual(3);
    expect(await cold(sut)).toBe(404);
  });
});
