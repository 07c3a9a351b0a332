import request from 'supertest';
import { bootTestApp, type TestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS, PASSWORD, registerRest, uniqueEmail } from './auth-helpers';

describe('Concurrent correct logins', () => {
  let sut: TestApp;

  beforeAll(async () => {
    // The shipped per-account limit (5), lower than the number of concurrent logins below.
    sut = await bootTestApp({ ...AUTH_TEST_SETTINGS, AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '5' });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('should let every one of a burst of correct logins in', async () => {
    const email = uniqueEmail('burst');
    await registerRest(sut.httpUrl, email);
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD })),
    );
    // Attempts in flight are not failures: none of them is refused.
    expect(burst.map((r) => r.status)).toEqual(Array(12).fill(200));
    const after = await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD });
    expect(after.status).toBe(200);
  });

  it('should let every correct login in while more clients than the limit keep logging in', async () => {
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
    expect(statuses).toEqual(Array(64).fill(200));
    const after = await request(sut.httpUrl).post('/v1/auth/login').send({ email, password: PASSWORD });
    expect(after.status).toBe(200);
  });
});
