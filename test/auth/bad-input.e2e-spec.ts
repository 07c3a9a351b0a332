import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { createAdminCli } from '@app/auth';
import { AppModule } from '../../apps/api/src/app.module';
import { queryDatabase } from '../support/database';
import { grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { grpcApi, restApi, type AuthApi, type Operation } from './auth-api';
import { AUTH_TEST_SETTINGS, bearer, loginRest, PASSWORD, registerRest, uniqueEmail } from './auth-helpers';

/** 36 two-byte characters and one more: 37 characters, 73 bytes. */
const PASSWORD_73_BYTES = `${'é'.repeat(36)}a`;
const EMAIL = 'valid@example.com';
const UNKNOWN_USER = '00000000-0000-4000-8000-000000000000';

type Auth = 'none' | 'user' | 'admin';

interface BadCase {
  op: Operation;
  auth: Auth;
  body: Record<string, unknown>;
  field: string;
  /** Shapes a protobuf client cannot even send (wrong types, unknown fields) run over REST only. */
  restOnly?: boolean;
}

const CASES: BadCase[] = [
  { op: 'register', auth: 'none', body: {}, field: 'email' },
  { op: 'register', auth: 'none', body: { email: EMAIL }, field: 'password' },
  { op: 'register', auth: 'none', body: { email: '', password: PASSWORD }, field: 'email' },
  { op: 'register', auth: 'none', body: { email: 'not-an-email', password: PASSWORD }, field: 'email' },
  {
    op: 'register',
    auth: 'none',
    body: { email: `${'x'.repeat(250)}@example.com`, password: PASSWORD },
    field: 'email',
  },
  { op: 'register', auth: 'none', body: { email: EMAIL, password: 'short' }, field: 'password' },
  { op: 'register', auth: 'none', body: { email: EMAIL, password: PASSWORD_73_BYTES }, field: 'password' },
  { op: 'register', auth: 'none', body: { email: EMAIL, password: 'x'.repeat(100_000) }, field: 'password' },
  { op: 'register', auth: 'none', body: { email: 42, password: PASSWORD }, field: 'email', restOnly: true },
  { op: 'register', auth: 'none', body: { email: EMAIL, password: 12345678 }, field: 'password', restOnly: true },
  {
    op: 'register',
    auth: 'none',
    body: { email: EMAIL, password: PASSWORD, role: 'admin' },
    field: 'role',
    restOnly: true,
  },
  { op: 'login', auth: 'none', body: {}, field: 'email' },
  { op: 'login', auth: 'none', body: { email: EMAIL, password: '' }, field: 'password' },
  { op: 'login', auth: 'none', body: { email: 'nope', password: PASSWORD }, field: 'email' },
  { op: 'login', auth: 'none', body: { email: EMAIL, password: PASSWORD_73_BYTES }, field: 'password' },
  { op: 'login', auth: 'none', body: { email: EMAIL, password: ['a'] }, field: 'password', restOnly: true },
  { op: 'login', auth: 'none', body: { email: EMAIL, password: PASSWORD, extra: 1 }, field: 'extra', restOnly: true },
  { op: 'refresh', auth: 'none', body: {}, field: 'refreshToken' },
  { op: 'refresh', auth: 'none', body: { refreshToken: '' }, field: 'refreshToken' },
  { op: 'refresh', auth: 'none', body: { refreshToken: 'x'.repeat(300) }, field: 'refreshToken' },
  { op: 'refresh', auth: 'none', body: { refreshToken: 7 }, field: 'refreshToken', restOnly: true },
  { op: 'changePassword', auth: 'user', body: {}, field: 'currentPassword' },
  { op: 'changePassword', auth: 'user', body: { currentPassword: PASSWORD }, field: 'newPassword' },
  {
    op: 'changePassword',
    auth: 'user',
    body: { currentPassword: PASSWORD, newPassword: 'short' },
    field: 'newPassword',
  },
  {
    op: 'changePassword',
    auth: 'user',
    body: { currentPassword: PASSWORD, newPassword: PASSWORD_73_BYTES },
    field: 'newPassword',
  },
  {
    op: 'changePassword',
    auth: 'user',
    body: { currentPassword: PASSWORD, newPassword: 'long enough', x: 1 },
    field: 'x',
    restOnly: true,
  },
  { op: 'deleteAccount', auth: 'user', body: {}, field: 'password' },
  { op: 'deleteAccount', auth: 'user', body: { password: PASSWORD_73_BYTES }, field: 'password' },
  { op: 'deleteAccount', auth: 'user', body: { password: PASSWORD, force: true }, field: 'force', restOnly: true },
  { op: 'revokeSession', auth: 'user', body: { id: 'not-a-uuid' }, field: 'id' },
  { op: 'loginAttempts', auth: 'user', body: { limit: -1 }, field: 'limit' },
  { op: 'loginAttempts', auth: 'user', body: { limit: 100_000 }, field: 'limit' },
  { op: 'loginAttempts', auth: 'user', body: { limit: 'many' }, field: 'limit', restOnly: true },
  { op: 'listUsers', auth: 'admin', body: { offset: -5 }, field: 'offset' },
  { op: 'listUsers', auth: 'admin', body: { sort: 'email' }, field: 'sort', restOnly: true },
  { op: 'setUserRole', auth: 'admin', body: { id: 'not-a-uuid', role: 'admin' }, field: 'id' },
  { op: 'setUserRole', auth: 'admin', body: { id: UNKNOWN_USER, role: 'root' }, field: 'role' },
  { op: 'setUserRole', auth: 'admin', body: { id: UNKNOWN_USER }, field: 'role' },
  ...(['me', 'sessions', 'logout', 'logoutEverywhere', 'export'] as const).map((op): BadCase => ({
    op,
    auth: 'user',
    body: { unexpected: 'x' },
    field: 'unexpected',
    restOnly: true,
  })),
];

const TABLES = ['auth_users', 'auth_sessions', 'auth_login_attempts', 'auth_rate_limits'];

describe('Bad input on every auth endpoint', () => {
  let app: TestApp;
  let grpc: Client;
  let apis: AuthApi[];
  const tokens: Record<Auth, string | undefined> = { none: undefined, user: undefined, admin: undefined };

  beforeAll(async () => {
    app = await bootTestApp(AUTH_TEST_SETTINGS);
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    apis = [restApi(app.httpUrl), grpcApi(grpc)];
    tokens.user = (await registerRest(app.httpUrl)).tokens.accessToken;
    const adminEmail = uniqueEmail('admin');
    await createAdminCli(AppModule, ['--email', adminEmail], { readPassword: () => Promise.resolve(PASSWORD) });
    tokens.admin = (await loginRest(app.httpUrl, adminEmail)).tokens.accessToken;
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  async function rowCounts(): Promise<Record<string, string>> {
    const counts: Record<string, string> = {};
    for (const table of TABLES) {
      counts[table] = (await queryDatabase<{ n: string }>(app.database.url, `SELECT count(*) AS n FROM ${table}`))[0].n;
    }
    return counts;
  }

  it('should answer INVALID_ARGUMENT naming the field, store nothing, and never fail with a 500', async () => {
    const before = await rowCounts();
    const seen: string[] = [];
    for (const api of apis) {
      for (const c of CASES.filter((x) => api.name === 'rest' || !x.restOnly)) {
        const outcome = await api.call(c.op, c.body, tokens[c.auth]);
        const label = `${api.name} ${c.op} ${JSON.stringify(c.body).slice(0, 60)}`;
        const got = outcome.ok
          ? 'ok'
          : `${outcome.code} internal=${outcome.internal} names field=${outcome.fields.includes(c.field)}`;
        expect([label, got]).toEqual([label, 'INVALID_ARGUMENT internal=false names field=true']);
        seen.push(label);
      }
    }
    expect(seen.length).toBeGreaterThan(60);
    expect(await rowCounts()).toEqual(before);
  });

  it('should explain the 72-byte limit instead of truncating', async () => {
    const response = await request(app.httpUrl)
      .post('/v1/auth/register')
      .send({ email: uniqueEmail(), password: PASSWORD_73_BYTES });
    expect(response.status).toBe(400);
    const problem = JSON.parse(response.text) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors).toEqual([{ field: 'password', message: expect.stringContaining('72 bytes') }]);
  });

  it('should answer bodies that are not JSON objects with a 4xx', async () => {
    const array = await request(app.httpUrl).post('/v1/auth/login').send([1, 2]);
    const text = await request(app.httpUrl).post('/v1/auth/login').set('content-type', 'text/plain').send('hello');
    expect(array.status).toBe(400);
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
  });

  it('should take an empty JSON body on logout as no body: auth decides, 401 without a valid token', async () => {
    const { accessToken } = (await registerRest(app.httpUrl)).tokens;
    const logout = (token?: string) => {
      const call = request(app.httpUrl).post('/v1/auth/logout').set('content-type', 'application/json');
      return (token === undefined ? call : call.set(bearer(token))).send('');
    };
    const [missing, invalid] = [await logout(), await logout('not-a-token')];
    const codes = [missing, invalid].map((r) => [r.status, (JSON.parse(r.text) as { code: string }).code]);
    expect(codes).toEqual([
      [401, 'UNAUTHENTICATED'],
      [401, 'UNAUTHENTICATED'],
    ]);
    expect((await logout(accessToken)).status).toBe(204);
    // An empty body where one is required is still bad input naming the field, not a parse failure.
    const login = await request(app.httpUrl).post('/v1/auth/login').set('content-type', 'application/json').send('');
    expect([login.status, (login.body as { errors?: Array<{ field: string }> }).errors?.[0]?.field]).toEqual([
      400,
      'email',
    ]);
  });

  it('should answer a body of an unsupported media type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const form = await request(app.httpUrl)
      .post('/v1/auth/login')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('email=a@example.com&password=x');
    expect(form.headers['content-type']).toContain('application/problem+json');
    const problem = JSON.parse(form.text) as { status: number; code: string; title: string; detail: string };
    expect([form.status, problem.status, problem.code, problem.title, problem.detail]).toEqual([
      415,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'Request bodies are JSON only: send them with content-type: application/json',
    ]);
  });
});
