import request from 'supertest';
import { bootTestApp, type TestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS, PASSWORD, registerRest, uniqueEmail } from './auth-helpers';

describe('Concurrent correct logins', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await bootTestApp({ ...AUTH_TEST_SETTINGS, AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('should never leave the account locked after a burst of correct logins', async () => {
    const email = uniqueEmail('burst');
    await registerRest(sut.httpUrl, email);
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD })),
    );
    expect(burst.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(burst.some((r) => r.status === 200)).toBe(true);
    const after = await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD });
    expect(after.status).toBe(200);
  });

  it('should keep letting correct logins in while more clients than the limit keep logging in', async () => {
    const email = uniqueEmail('sustained');
    await registerRest(sut.httpUrl, email);
    const worker = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        statuses.push((await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD })).status);
      }
      return statuses;
    };
    const statuses = (await Promise.all(Array.from({ length: 8 }, worker))).flat();
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    // Refused attempts check no password and must not count: the account is never left locked.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(16);
    const after = await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD });
    expect(after.status).toBe(200);
  });
});
