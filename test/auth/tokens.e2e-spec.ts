import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { JwtService } from '@nestjs/jwt';
import { createAdminCli } from '@app/auth';
import { AppModule } from '../../apps/api/src/app.module';
import { queryDatabase } from '../support/database';
import { grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { expectError, expectOk, grpcApi, restApi, type AuthApi } from './auth-api';
import {
  AUTH_TEST_SETTINGS,
  base64url,
  JWT_SECRET,
  PASSWORD,
  registerRest,
  uniqueEmail,
  type AuthBody,
} from './auth-helpers';

const jwt = new JwtService({});

/** The password an operator would type or pipe into create-admin. */
const GIVEN_PASSWORD = { readPassword: () => Promise.resolve(PASSWORD) };

function sign(payload: Record<string, unknown>, overrides: { secret?: string; audience?: string } = {}): string {
  return jwt.sign(payload, {
    secret: overrides.secret ?? JWT_SECRET,
    algorithm: 'HS256',
    issuer: 'chorus',
    audience: overrides.audience ?? 'chorus-api',
  });
}

describe('Tokens, roles and concurrent registration', () => {
  let app: TestApp;
  let grpc: Client;
  let apis: AuthApi[];

  beforeAll(async () => {
    app = await bootTestApp(AUTH_TEST_SETTINGS);
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    apis = [restApi(app.httpUrl), grpcApi(grpc)];
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  it('should reject expired, tampered, alg none, wrong-audience and wrong-secret tokens on both transports', async () => {
    const { user, tokens } = await registerRest(app.httpUrl);
    const [, payloadPart, signature] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: user.id, role: 'user', iss: 'chorus', aud: 'chorus-api' });
    expect(typeof claims.jti).toBe('string');
    const base = { sub: user.id, role: 'user', sid: claims.sid, jti: randomUUID() };
    const now = Math.floor(Date.now() / 1000);
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    const bad = {
      expired: sign({ ...base, iat: now - 3600, exp: now - 60 }),
      tampered: `${tokens.accessToken.split('.')[0]}.${base64url({ ...claims, role: 'admin' })}.${signature}`,
      badSignature: `${tokens.accessToken.split('.').slice(0, 2).join('.')}.${flipped}`,
      algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims })}.`,
      wrongAudience: sign(base, { audience: 'someone-else' }),
      wrongSecret: sign(base, { secret: 'another-secret-that-is-long-enough-9876543210' }),
    };
    for (const api of apis) {
      expectOk(await api.call('me', {}, tokens.accessToken));
      for (const [name, token] of Object.entries(bad)) {
        const outcome = await api.call('me', {}, token);
        expect([api.name, name, outcome.ok ? 'ok' : outcome.code]).toEqual([api.name, name, 'UNAUTHENTICATED']);
      }
    }
  });

  it('should reject the still-unexpired token of a deleted user', async () => {
    const { tokens } = await registerRest(app.httpUrl);
    const [rest, rpc] = apis;
    expectOk(await rest.call('deleteAccount', { password: PASSWORD }, tokens.accessToken));
    expectError(await rest.call('me', {}, tokens.accessToken), 'UNAUTHENTICATED');
    expectError(await rpc.call('me', {}, tokens.accessToken), 'UNAUTHENTICATED');
  });

  it('should refuse an admin-only route to a user token and allow it to an admin token', async () => {
    const { tokens } = await registerRest(app.httpUrl);
    const adminEmail = uniqueEmail('admin');
    expect(await createAdminCli(AppModule, ['--email', adminEmail], GIVEN_PASSWORD)).toContain('created admin');
    const admin = (await request(app.httpUrl).post('/v1/auth/login').send({ email: adminEmail, password: PASSWORD }))
      .body as AuthBody;
    expect(admin.user.role).toBe('admin');
    for (const api of apis) {
      expectError(await api.call('listUsers', {}), 'UNAUTHENTICATED');
      expectError(await api.call('listUsers', {}, tokens.accessToken), 'PERMISSION_DENIED');
      const page = expectOk(
        await api.call<{ users: Array<{ email: string }>; total: number }>(
          'listUsers',
          { limit: 500 },
          admin.tokens.accessToken,
        ),
      );
      expect(page.users.map((u) => u.email)).toContain(adminEmail);
      expect(page.total).toBeGreaterThanOrEqual(2);
    }
  });

  it('should let an admin promote and demote another account on both transports, never its own', async () => {
    const adminEmail = uniqueEmail('admin');
    await createAdminCli(AppModule, ['--email', adminEmail], GIVEN_PASSWORD);
    const admin = (await request(app.httpUrl).post('/v1/auth/login').send({ email: adminEmail, password: PASSWORD }))
      .body as AuthBody;
    const asAdmin = admin.tokens.accessToken;
    for (const api of apis) {
      const { user, tokens } = await registerRest(app.httpUrl);
      expectError(
        await api.call('setUserRole', { id: user.id, role: 'admin' }, tokens.accessToken),
        'PERMISSION_DENIED',
      );
      const promoted = expectOk(await api.call('setUserRole', { id: user.id, role: 'admin' }, asAdmin));
      expect(promoted).toMatchObject({ id: user.id, email: user.email, role: 'admin' });
      // The guard reads the role from the account, so the token the user already holds carries the change.
      expectOk(await api.call('listUsers', {}, tokens.accessToken));
      expectOk(await api.call('setUserRole', { id: user.id, role: 'user' }, asAdmin));
      expectError(await api.call('listUsers', {}, tokens.accessToken), 'PERMISSION_DENIED');
      expectError(await api.call('setUserRole', { id: admin.user.id, role: 'user' }, asAdmin), 'INVALID_ARGUMENT');
      expectError(await api.call('setUserRole', { id: randomUUID(), role: 'admin' }, asAdmin), 'NOT_FOUND');
    }
    const rows = await queryDatabase<{ role: string }>(app.database.url, 'SELECT role FROM auth_users WHERE id = $1', [
      admin.user.id,
    ]);
    expect(rows).toEqual([{ role: 'admin' }]);
  });

  it('should refuse bad create-admin input and never let registration pick a role', async () => {
    await expect(createAdminCli(AppModule, ['--email', 'not-an-email'], GIVEN_PASSWORD)).rejects.toThrow('email');
    await expect(createAdminCli(AppModule, [], GIVEN_PASSWORD)).rejects.toThrow('usage');
    const registered = await request(app.httpUrl)
      .post('/v1/auth/register')
      .send({ email: uniqueEmail(), password: PASSWORD, role: 'admin' });
    expect(registered.status).toBe(400);
  });

  it('should let exactly one of 20 concurrent registrations of one email succeed', async () => {
    const email = uniqueEmail('race');
    const [rest, rpc] = apis;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? rest : rpc).call('register', {
          email: i % 3 === 0 ? email.toUpperCase() : email,
          password: PASSWORD,
        }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const failures = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? '' : o.code));
    expect(failures).toEqual(Array(19).fill('ALREADY_EXISTS'));
    const rows = await queryDatabase<{ n: string }>(
      app.database.url,
      'SELECT count(*) AS n FROM auth_users WHERE lower(email) = $1',
      [email],
    );
    expect(rows[0].n).toBe('1');
  });
});
