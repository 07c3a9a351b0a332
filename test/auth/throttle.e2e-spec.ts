import request from 'supertest';
import { createClient } from '@redis/client';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { RedisConnection } from '@app/core';
import { queryDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { OwnRedisServer } from '../support/redis-server';
import { bootTestApp, type TestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS, PASSWORD, uniqueEmail } from './auth-helpers';
import { eventually } from '../support/eventually';

const WINDOW_SECONDS = 2;

const THROTTLE_SETTINGS: Record<string, string> = {
  ...AUTH_TEST_SETTINGS,
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
  AUTH_LOGIN_MAX_FAILURES_PER_IP: '5',
  AUTH_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
  AUTH_REGISTER_MAX_PER_IP: '3',
  AUTH_REGISTER_WINDOW_SECONDS: '60',
  // The test client (loopback) stands for the proxy, so each scenario speaks from an address of its own, over
  // REST (X-Forwarded-For) and gRPC (x-forwarded-for metadata) alike.
  HTTP_TRUSTED_PROXIES: '127.0.0.0/8,::1',
};

let ipSeq = 0;
function freshIp(): string {
  ipSeq += 1;
  return `203.0.113.${ipSeq}`;
}

function login(app: TestApp, email: string, password: string, ip: string): Promise<request.Response> {
  return request(app.httpUrl).post('/v1/auth/login').set('x-forwarded-for', ip).send({ email, password });
}

async function register(app: TestApp, ip: string, email = uniqueEmail('throttle')): Promise<request.Response> {
  return request(app.httpUrl).post('/v1/auth/register').set('x-forwarded-for', ip).send({ email, password: PASSWORD });
}

/** Polls the attacker's address with the right password until its refusal lapses (the window ended). */
async function loginOnceWindowEnds(app: TestApp, email: string, ip: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const response = await login(app, email, PASSWORD, ip);
    if (response.status === 200) {
      return;
    }
    expect(response.status).toBe(429);
    if (Date.now() - started > (WINDOW_SECONDS + 3) * 1000) {
      throw new Error('the login window never reset');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The scenarios, run once with Redis counting and once with Redis dead. */
function throttleScenarios(context: () => { app: TestApp; grpc: Client }): void {
  it('should refuse the guessing address, let the owner in from another one, on both transports', async () => {
    const { app, grpc } = context();
    const email = uniqueEmail('victim');
    expect((await register(app, freshIp(), email)).status).toBe(201);
    const attacker = freshIp();
    for (let i = 0; i < 3; i += 1) {
      expect((await login(app, email, 'wrong password', attacker)).status).toBe(401);
    }
    // The attacker's address is refused, even with the right password.
    const blocked = await login(app, email, PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    expect(JSON.parse(blocked.text).code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS);
    const overGrpc = await grpcCall(grpc, 'Login', { email, password: PASSWORD }, { 'x-forwarded-for': attacker });
    expect(overGrpc.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(Number(overGrpc.error?.metadata.get('retry-after')[0])).toBeGreaterThanOrEqual(1);

    // The owner, from addresses with no failures, gets in on either transport.
    expect((await login(app, email, PASSWORD, freshIp())).status).toBe(200);
    const owner = await grpcCall(grpc, 'Login', { email, password: PASSWORD }, { 'x-forwarded-for': freshIp() });
    expect(owner.error).toBeUndefined();

    // Waits for the window to end; the poll gives up (fails) if it never does.
    await loginOnceWindowEnds(app, email, attacker);
  });

  it('should throttle a client address that fails on many accounts', async () => {
    const { app } = context();
    const email = uniqueEmail('bystander');
    expect((await register(app, freshIp(), email)).status).toBe(201);
    const attacker = freshIp();
    for (let i = 0; i < 5; i += 1) {
      expect((await login(app, uniqueEmail('guess'), 'wrong password', attacker)).status).toBe(401);
    }
    expect((await login(app, email, PASSWORD, attacker)).status).toBe(429);
    expect((await login(app, email, PASSWORD, freshIp())).status).toBe(200);
  });

  it('should let 8 concurrent correct logins of one account in, from one address', async () => {
    const { app } = context();
    const email = uniqueEmail('devices');
    expect((await register(app, freshIp(), email)).status).toBe(201);
    const ip = freshIp();
    const statuses = await Promise.all(Array.from({ length: 8 }, () => login(app, email, PASSWORD, ip)));
    expect(statuses.map((response) => response.status)).toEqual(Array(8).fill(200));
  });

  it('should stop a burst of guesses from an address that already failed at its limit', async () => {
    const { app } = context();
    const email = uniqueEmail('burst');
    expect((await register(app, freshIp(), email)).status).toBe(201);
    const attacker = freshIp();
    expect((await login(app, email, 'wrong password', attacker)).status).toBe(401);
    const burst = await Promise.all(Array.from({ length: 10 }, () => login(app, email, 'wrong password', attacker)));
    // One failure counted before, so two more fit under the budget of three; the rest are refused unchecked.
    expect(burst.filter((response) => response.status === 401)).toHaveLength(2);
    expect(burst.filter((response) => response.status === 429)).toHaveLength(8);
  });

  it('should throttle registrations per client address', async () => {
    const { app } = context();
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await register(app, ip)).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect((await register(app, freshIp())).status).toBe(201);
  });
}

async function sharedRedisLimitKeys(prefix: string): Promise<string[]> {
  const client = createClient({ url: SHARED_REDIS_URL });
  await client.connect();
  try {
    return await client.keys(`${prefix}auth:*`);
  } finally {
    await client.close();
  }
}

async function rowsInPostgres(app: TestApp): Promise<number> {
  const rows = await queryDatabase<{ n: string }>(app.database.url, 'SELECT count(*) AS n FROM auth_rate_limits');
  return Number(rows[0].n);
}

describe('Brute-force throttling with Redis', () => {
  let app: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    app = await bootTestApp(THROTTLE_SETTINGS);
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  throttleScenarios(() => ({ app, grpc }));

  it('should have counted in Redis, not in PostgreSQL, and kept emails out of the keys', async () => {
    expect(await rowsInPostgres(app)).toBe(0);
    const keys = await sharedRedisLimitKeys(`test:${app.database.name}:`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('@');
  });
});

describe('Brute-force throttling with Redis down', () => {
  let redis: OwnRedisServer;
  let app: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    redis = await OwnRedisServer.start();
    app = await bootTestApp({ ...THROTTLE_SETTINGS, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'down:' });
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    const connection = app.chorus.app.get(RedisConnection);
    await eventually(() => connection.ready, 'Redis connected');
    await redis.stop();
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
    await redis.stop();
  });

  throttleScenarios(() => ({ app, grpc }));

  it('should have counted in PostgreSQL', async () => {
    expect(await rowsInPostgres(app)).toBeGreaterThan(0);
  });
});

describe('Brute-force throttling without Redis', () => {
  let app: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    app = await bootTestApp({ ...THROTTLE_SETTINGS, REDIS_URL: '' });
    grpc = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    grpc.close();
    await app.close();
  });

  throttleScenarios(() => ({ app, grpc }));

  it('should have counted in PostgreSQL', async () => {
    expect(await rowsInPostgres(app)).toBeGreaterThan(0);
  });
});
