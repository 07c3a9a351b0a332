import type { Client } from '@grpc/grpc-js';
import { queryDatabase } from '../support/database';
import { grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { expectError, expectOk, grpcApi, restApi, type AuthApi } from './auth-api';
import { AUTH_TEST_SETTINGS, PASSWORD, uniqueEmail, type AuthBody, type TokenPair } from './auth-helpers';

interface SessionsBody {
  sessions: Array<{ id: string; current: boolean; userAgent: string; ip: string }>;
}

describe('Account flows over REST and gRPC', () => {
  let app: TestApp;
  let grpc: Client;
  const apis: Record<'rest' | 'grpc', AuthApi> = {} as Record<'rest' | 'grpc', AuthApi>;

  beforeAll(async () => {
    app = await bootTestApp(AUTH_TEST_SETTINGS);
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    apis.rest = restApi(app.httpUrl);
    apis.grpc = grpcApi(grpc);
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await queryDatabase<{ n: string }>(app.database.url, sql, params))[0].n);

  describe.each(['rest', 'grpc'] as const)('over %s', (transport) => {
    const api = (): AuthApi => apis[transport];

    async function signUp(email = uniqueEmail(transport)): Promise<AuthBody> {
      return expectOk(await api().call<AuthBody>('register', { email, password: PASSWORD }));
    }

    it('should register with a normalized email and answer the user and a token pair', async () => {
      const email = uniqueEmail(transport);
      const body = await signUp(`  ${email.toUpperCase()} `);
      expect(body.user).toMatchObject({ email, role: 'user' });
      expect(body.tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(body.tokens.refreshToken).toMatch(/^[0-9a-f-]{36}\.[\w-]{43}$/);
      const stored = await queryDatabase<{ password_hash: string }>(
        app.database.url,
        'SELECT password_hash FROM auth_users WHERE email = $1',
        [email],
      );
      expect(stored[0].password_hash).toMatch(/^\$2[aby]\$04\$/);
      const again = await api().call('register', { email: email.toUpperCase(), password: PASSWORD });
      expect(expectError(again, 'ALREADY_EXISTS').internal).toBe(false);
    });

    it('should log in, record the attempt, and refuse a wrong password and an unknown email alike', async () => {
      const { user } = await signUp();
      const session = expectOk(await api().call<AuthBody>('login', { email: user.email, password: PASSWORD }));
      expect(session.user.id).toBe(user.id);
      const wrong = expectError(
        await api().call('login', { email: user.email, password: 'wrong password' }),
        'UNAUTHENTICATED',
      );
      const unknown = expectError(
        await api().call('login', { email: uniqueEmail('nobody'), password: PASSWORD }),
        'UNAUTHENTICATED',
      );
      expect(wrong.detail).toBe(unknown.detail);
      const attempts = expectOk(
        await api().call<{ attempts: Array<{ outcome: string; ip: string; userAgent: string }> }>(
          'loginAttempts',
          {},
          session.tokens.accessToken,
        ),
      );
      expect(attempts.attempts.map((a) => a.outcome)).toEqual(['bad_credentials', 'success']);
      expect(attempts.attempts[0].ip).toBeTruthy();
      expect(attempts.attempts[0].userAgent).toBeTruthy();
    });

    it('should answer me for a valid token and refuse a missing or malformed one', async () => {
      const { user, tokens } = await signUp();
      expect(expectOk(await api().call('me', {}, tokens.accessToken))).toEqual(user);
      expectError(await api().call('me'), 'UNAUTHENTICATED');
      expectError(await api().call('me', {}, 'not-a-jwt'), 'UNAUTHENTICATED');
    });

    it('should rotate refresh tokens and revoke the family when an old one is presented again', async () => {
      const { tokens } = await signUp();
      const second = expectOk(await api().call<TokenPair>('refresh', { refreshToken: tokens.refreshToken }));
      expect(second.refreshToken).not.toBe(tokens.refreshToken);
      expect(second.refreshExpiresAt).toBe(tokens.refreshExpiresAt);
      expectOk(await api().call('me', {}, second.accessToken));
      const third = expectOk(await api().call<TokenPair>('refresh', { refreshToken: second.refreshToken }));

      const reuse = expectError(await api().call('refresh', { refreshToken: tokens.refreshToken }), 'UNAUTHENTICATED');
      expect(reuse.detail).toContain('revoked');
      expectError(await api().call('refresh', { refreshToken: third.refreshToken }), 'UNAUTHENTICATED');
      expectError(await api().call('me', {}, third.accessToken), 'UNAUTHENTICATED');
      expectError(await api().call('refresh', { refreshToken: 'garbage' }), 'UNAUTHENTICATED');
    });

    it('should log out the current session only', async () => {
      const { user, tokens } = await signUp();
      const other = expectOk(await api().call<AuthBody>('login', { email: user.email, password: PASSWORD }));
      expectOk(await api().call('logout', {}, tokens.accessToken));
      expectError(await api().call('me', {}, tokens.accessToken), 'UNAUTHENTICATED');
      expectError(await api().call('refresh', { refreshToken: tokens.refreshToken }), 'UNAUTHENTICATED');
      expectOk(await api().call('me', {}, other.tokens.accessToken));
    });

    it('should log out everywhere', async () => {
      const { user, tokens } = await signUp();
      const other = expectOk(await api().call<AuthBody>('login', { email: user.email, password: PASSWORD }));
      expectOk(await api().call('logoutEverywhere', {}, tokens.accessToken));
      for (const pair of [tokens, other.tokens]) {
        expectError(await api().call('me', {}, pair.accessToken), 'UNAUTHENTICATED');
        expectError(await api().call('refresh', { refreshToken: pair.refreshToken }), 'UNAUTHENTICATED');
      }
    });

    it("should list sessions and revoke one, but never another user's", async () => {
      const { user, tokens } = await signUp();
      const other = expectOk(await api().call<AuthBody>('login', { email: user.email, password: PASSWORD }));
      const listed = expectOk(await api().call<SessionsBody>('sessions', {}, tokens.accessToken));
      expect(listed.sessions).toHaveLength(2);
      expect(listed.sessions.filter((s) => s.current)).toHaveLength(1);
      const otherId = listed.sessions.find((s) => !s.current)?.id as string;

      const stranger = await signUp();
      expectError(await api().call('revokeSession', { id: otherId }, stranger.tokens.accessToken), 'NOT_FOUND');
      expectOk(await api().call('me', {}, other.tokens.accessToken));

      expectOk(await api().call('revokeSession', { id: otherId }, tokens.accessToken));
      expectError(await api().call('me', {}, other.tokens.accessToken), 'UNAUTHENTICATED');
      const after = expectOk(await api().call<SessionsBody>('sessions', {}, tokens.accessToken));
      expect(after.sessions.map((s) => s.id)).not.toContain(otherId);
    });

    it('should change the password and revoke the other sessions', async () => {
      const { user, tokens } = await signUp();
      const other = expectOk(await api().call<AuthBody>('login', { email: user.email, password: PASSWORD }));
      const wrong = await api().call(
        'changePassword',
        { currentPassword: 'not it at all', newPassword: 'brand new secret' },
        tokens.accessToken,
      );
      expect(expectError(wrong, 'INVALID_ARGUMENT').fields).toEqual(['currentPassword']);
      expectOk(
        await api().call(
          'changePassword',
          { currentPassword: PASSWORD, newPassword: 'brand new secret' },
          tokens.accessToken,
        ),
      );
      expectOk(await api().call('me', {}, tokens.accessToken));
      expectError(await api().call('me', {}, other.tokens.accessToken), 'UNAUTHENTICATED');
      expectError(await api().call('login', { email: user.email, password: PASSWORD }), 'UNAUTHENTICATED');
      expectOk(await api().call('login', { email: user.email, password: 'brand new secret' }));
    });

    it("should export the user's data as one JSON document", async () => {
      const { user, tokens } = await signUp();
      expectOk(await api().call('login', { email: user.email, password: PASSWORD }));
      const document = expectOk(await api().call<Record<string, unknown>>('export', {}, tokens.accessToken));
      expect(document).toMatchObject({ format: 'chorus.account-export.v1', user });
      expect(document.sessions).toHaveLength(2);
      expect(document.loginAttempts).toEqual([expect.objectContaining({ outcome: 'success' })]);
      expect(JSON.stringify(document)).not.toMatch(/password|refresh_hash|\$2[aby]\$/i);
    });

    it('should delete the account only with the password, removing its data and ending its tokens', async () => {
      const { user, tokens } = await signUp();
      expectError(
        await api().call('deleteAccount', { password: 'not the password' }, tokens.accessToken),
        'INVALID_ARGUMENT',
      );
      expectOk(await api().call('deleteAccount', { password: PASSWORD }, tokens.accessToken));
      expect(await count('SELECT count(*) AS n FROM auth_users WHERE id = $1', [user.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM auth_sessions WHERE user_id = $1', [user.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM auth_login_attempts WHERE user_id = $1', [user.id])).toBe(0);
      expectError(await api().call('me', {}, tokens.accessToken), 'UNAUTHENTICATED');
      expectError(await api().call('refresh', { refreshToken: tokens.refreshToken }), 'UNAUTHENTICATED');
      expectError(await api().call('login', { email: user.email, password: PASSWORD }), 'UNAUTHENTICATED');
    });
  });
});
