import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { bootTestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS, registerRest } from './auth-helpers';

const OLD_KEY = 'the-old-signing-key-of-at-least-32-bytes!';
const NEW_KEY = 'the-new-signing-key-of-at-least-32-bytes!';

describe('AUTH_JWT_SECRET rotation', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('rotation');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('should accept tokens signed with the previous key only while it is configured', async () => {
    const before = await bootTestApp({ ...AUTH_TEST_SETTINGS, AUTH_JWT_SECRET: OLD_KEY }, db);
    const { tokens } = await registerRest(before.httpUrl);
    await before.close();

    const rotating = await bootTestApp(
      { ...AUTH_TEST_SETTINGS, AUTH_JWT_SECRET: NEW_KEY, AUTH_JWT_PREVIOUS_SECRET: OLD_KEY },
      db,
    );
    const accepted = await request(rotating.httpUrl).get('/v1/me').set('authorization', `Bearer ${tokens.accessToken}`);
    await rotating.close();

    const rotated = await bootTestApp(
      { ...AUTH_TEST_SETTINGS, AUTH_JWT_SECRET: NEW_KEY, AUTH_JWT_PREVIOUS_SECRET: '' },
      db,
    );
    const refused = await request(rotated.httpUrl).get('/v1/me').set('authorization', `Bearer ${tokens.accessToken}`);
    await rotated.close();

    expect(accepted.status).toBe(200);
    expect(refused.status).toBe(401);
  });
});
