import { DataSource } from 'typeorm';
import { bootTestApp, type TestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS } from './auth-helpers';

describe('Auth schema', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await bootTestApp(AUTH_TEST_SETTINGS);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should match the auth entities exactly, so migration:generate finds nothing to do', async () => {
    const sql = await app.chorus.app.get(DataSource).driver.createSchemaBuilder().log();
    const authQueries = sql.upQueries.map((q) => q.query).filter((q) => q.includes('auth_'));
    expect(authQueries).toEqual([]);
  });
});
