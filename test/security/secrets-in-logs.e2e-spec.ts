import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { FAKE_GENIUS_TOKEN, FakeUpstream } from '../fake-upstream';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';
import { JWT_SECRET, SECURITY_SETTINGS, uniqueEmail } from './security-helpers';

jest.setTimeout(90_000);

const PASSWORD = 'log-scan passphrase 7c1d';
const NEW_PASSWORD = 'log-scan new passphrase 93af';
const WRONG_PASSWORD = 'log-scan wrong guess 55e0';
const SPOTIFY_SECRET = 'spotify-client-secret-for-log-scan';

describe('Secrets in logs', () => {
  const fake = new FakeUpstream();
  let db: TestDatabase;
  let sut: SpawnedApp;
  let auth: Client;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase('logs');
    sut = await spawnApp(
      upstreamEnv(fake, {
        ...SECURITY_SETTINGS,
        SPOTIFY_CLIENT_SECRET: SPOTIFY_SECRET,
        DATABASE_URL: db.url,
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: `test:${db.name}:`,
        LOG_LEVEL: 'info',
      }),
    );
    await sut.waitReady();
    auth = grpcClient(sut.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    auth.close();
    await sut.stop('SIGKILL');
    await db.drop();
    await fake.stop();
  });

  it('should log requests but never the passwords, tokens or secrets they carried', async () => {
    const url = sut.httpUrl;
    const email = uniqueEmail('logscan');
    const secrets: string[] = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, JWT_SECRET, SPOTIFY_SECRET, FAKE_GENIUS_TOKEN];
    const registered = await request(url).post('/v1/auth/register').send({ email, password: PASSWORD });
    expect(registered.status).toBe(201);
    secrets.push(registered.body.tokens.accessToken, registered.body.tokens.refreshToken);
    expect((await request(url).post('/v1/auth/login').send({ email, password: WRONG_PASSWORD })).status).toBe(401);
    const overGrpc = await grpcCall<{ tokens: { accessToken: string; refreshToken: string } }>(auth, 'Login', {
      email,
      password: PASSWORD,
    });
    const grpcTokens = overGrpc.response?.tokens;
    expect(grpcTokens).toBeDefined();
    secrets.push(grpcTokens?.accessToken ?? '', grpcTokens?.refreshToken ?? '');
    const refreshed = await request(url).post('/v1/auth/refresh').send({ refreshToken: grpcTokens?.refreshToken });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    // A replayed refresh token and a bad bearer token are logged as failures: still without the token.
    expect((await request(url).post('/v1/auth/refresh').send({ refreshToken: grpcTokens?.refreshToken })).status).toBe(
      401,
    );
    expect(
      (await request(url).get('/v1/me').set('authorization', `Bearer ${refreshed.body.accessToken}x`)).status,
    ).toBe(401);
    // The replay ended that family; the registration's session is still good.
    const live = registered.body.tokens.accessToken as string;
    expect((await grpcCall(auth, 'GetMe', {}, { authorization: `Bearer ${live}` })).error).toBeUndefined();
    const changed = await request(url)
      .post('/v1/me/password')
      .set('authorization', `Bearer ${live}`)
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(204);
    // Spotify is called with its client secret (token exchange): the outbound call must not log it either.
    expect((await request(url).get('/v1/search?q=daft punk&type=track&providers=spotify')).status).toBe(200);
    // Genius is called with GENIUS_ACCESS_TOKEN as a bearer token on every request.
    expect((await request(url).get('/v1/tracks/deezer:3135556/genius')).status).toBe(200);
    expect(fake.count('/genius')).toBeGreaterThan(0);

    expect(await sut.stop('SIGTERM')).toBe(0);
    const logs = `${sut.stdout()}\n${sut.stderr()}`;
    expect(logs).toContain('request completed');
    const leaked = secrets.filter((secret) => secret.length > 0 && logs.includes(secret));
    expect(leaked).toEqual([]);
    // Basic-auth form of the Spotify credentials, and any bearer header echoed verbatim.
    expect(logs).not.toContain(Buffer.from(`test-client:${SPOTIFY_SECRET}`).toString('base64'));
    expect(logs).not.toMatch(/authorization"\s*:\s*"Bearer /i);
    expect(logs).not.toContain(email);
  });
});
