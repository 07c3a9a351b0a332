import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS, bearer, grpcOk, PASSWORD, registerRest, uniqueEmail, type AuthBody } from './auth-helpers';

interface Recorded {
  sessions: Array<{ ip: string; current: boolean }>;
  attempts: Array<{ ip: string; outcome: string }>;
}

/** What the app recorded of a login: the new session's address and the login attempt's. */
async function recordedAfterRestLogin(app: TestApp, forwardedFor: string): Promise<Recorded> {
  const email = uniqueEmail('addr');
  await registerRest(app.httpUrl, email);
  const login = await request(app.httpUrl)
    .post('/v1/auth/login')
    .set('x-forwarded-for', forwardedFor)
    .send({ email, password: PASSWORD });
  expect(login.status).toBe(200);
  return recorded(app, (login.body as AuthBody).tokens.accessToken);
}

async function recordedAfterGrpcLogin(app: TestApp, grpc: Client, forwardedFor: string): Promise<Recorded> {
  const email = uniqueEmail('addr-grpc');
  await registerRest(app.httpUrl, email);
  const login = await grpcOk<AuthBody>(
    grpc,
    'Login',
    { email, password: PASSWORD },
    { 'x-forwarded-for': forwardedFor },
  );
  return recorded(app, login.tokens.accessToken);
}

async function recorded(app: TestApp, token: string): Promise<Recorded> {
  const sessions = await request(app.httpUrl).get('/v1/me/sessions').set(bearer(token));
  const attempts = await request(app.httpUrl).get('/v1/me/login-attempts').set(bearer(token));
  expect([sessions.status, attempts.status]).toEqual([200, 200]);
  return {
    sessions: (sessions.body as { sessions: Recorded['sessions'] }).sessions,
    attempts: (attempts.body as { attempts: Recorded['attempts'] }).attempts,
  };
}

function loginAddress(seen: Recorded): { session: string | undefined; attempt: string | undefined } {
  return {
    session: seen.sessions.find((session) => session.current)?.ip,
    attempt: seen.attempts.find((attempt) => attempt.outcome === 'success')?.ip,
  };
}

describe('Client address behind trusted proxies (the test client, on loopback, is the proxy)', () => {
  let app: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    app = await bootTestApp({ ...AUTH_TEST_SETTINGS, HTTP_TRUSTED_PROXIES: '127.0.0.0/8,::1' });
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  it('should record the right-most untrusted X-Forwarded-For hop over REST', async () => {
    // 198.51.100.1 was written by the client itself; 203.0.113.7 is what the outer proxy (127.0.0.9) saw.
    const seen = await recordedAfterRestLogin(app, '198.51.100.1, 203.0.113.7, 127.0.0.9');
    expect(loginAddress(seen)).toEqual({ session: '203.0.113.7', attempt: '203.0.113.7' });
  });

  it('should record the address a trusted gateway forwards in gRPC metadata', async () => {
    const seen = await recordedAfterGrpcLogin(app, grpc, '198.51.100.1, 203.0.113.8');
    expect(loginAddress(seen)).toEqual({ session: '203.0.113.8', attempt: '203.0.113.8' });
  });

  it('should record the last good hop, never a malformed one', async () => {
    const seen = await recordedAfterRestLogin(app, 'not-an-address');
    expect(loginAddress(seen)).toEqual({ session: '127.0.0.1', attempt: '127.0.0.1' });
  });
});

describe('Client address with no trusted proxy (the default)', () => {
  let app: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    app = await bootTestApp({ ...AUTH_TEST_SETTINGS, HTTP_TRUSTED_PROXIES: '' });
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  it('should ignore a forged X-Forwarded-For over REST and record the real peer', async () => {
    const seen = await recordedAfterRestLogin(app, '203.0.113.66');
    expect(loginAddress(seen)).toEqual({ session: '127.0.0.1', attempt: '127.0.0.1' });
  });

  it('should ignore forged x-forwarded-for metadata over gRPC and record the real peer', async () => {
    const seen = await recordedAfterGrpcLogin(app, grpc, '203.0.113.67');
    expect(loginAddress(seen)).toEqual({ session: '127.0.0.1', attempt: '127.0.0.1' });
  });
});

describe('Client address when the peer is not among the trusted proxies', () => {
  let app: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    app = await bootTestApp({ ...AUTH_TEST_SETTINGS, HTTP_TRUSTED_PROXIES: '10.0.0.0/8' });
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  it('should ignore X-Forwarded-For from a peer outside the list, on both transports', async () => {
    const rest = await recordedAfterRestLogin(app, '203.0.113.68, 10.0.0.1');
    expect(loginAddress(rest)).toEqual({ session: '127.0.0.1', attempt: '127.0.0.1' });
    const rpc = await recordedAfterGrpcLogin(app, grpc, '203.0.113.69, 10.0.0.1');
    expect(loginAddress(rpc)).toEqual({ session: '127.0.0.1', attempt: '127.0.0.1' });
  });
});
