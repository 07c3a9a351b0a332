import { DataSource } from 'typeorm';
import { closeDataSource, DatabaseSettings, dataSourceOptions, PoolSockets } from '@app/core';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { TcpProxy } from '../resilience/tcp-proxy';

/** TypeORM's pool (migrations, the readiness ping) made as the app makes it, through `proxyUrl`. */
async function openDataSource(url: string, applicationName: string, connectTimeoutMs: number) {
  const sockets = new PoolSockets();
  const settings = Object.assign(new DatabaseSettings(), { DB_CONNECT_TIMEOUT_MS: connectTimeoutMs });
  const options = dataSourceOptions(url, settings, { migrations: [] });
  if (options.type !== 'postgres') {
    throw new Error('Chorus runs on PostgreSQL');
  }
  const dataSource = new DataSource({ ...options, applicationName, driver: sockets.driver() });
  await dataSource.initialize();
  // Its three connections open at once.
  await Promise.all(Array.from({ length: 3 }, () => dataSource.query('SELECT pg_sleep(0.05)')));
  return { dataSource, sockets };
}

async function backendsOf(url: string, applicationName: string): Promise<string> {
  const rows = await queryDatabase<{ n: string }>(
    url,
    'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return rows[0].n;
}

/**
 * The same early close as SqlClient's (test/foundation/sql-client.int-spec.ts), on TypeORM's own pool: destroy()
 * resolves from pg-pool's end(), before PostgreSQL has hung up, and the embedded server stopped right after cut
 * those connections ("connection lost", about one CI run in three on Ctrl-C).
 */
describe(closeDataSource.name, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;

  beforeAll(async () => {
    db = await createTestDatabase('data_source_close');
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
  });

  afterAll(async () => {
    await proxy.stop();
    await db.drop();
  });

  afterEach(() => proxy.delayRequests(0));

  it('should resolve only once PostgreSQL has let go of every connection of the pool', async () => {
    const applicationName = `ds_close_${process.pid}`;
    const { dataSource, sockets } = await openDataSource(proxy.route(db.url), applicationName, 5_000);
    expect(sockets.size).toBe(3);
    // A slow path to the server widens the window between end() and the hang-up to certainty.
    proxy.delayRequests(500);

    const left = await closeDataSource(dataSource, sockets, 5_000);

    expect(left).toBe(0);
    expect(await backendsOf(db.url, applicationName)).toBe('0');
  });

  it('should wait for the sockets of a DataSource that TypeORM already destroyed', async () => {
    const applicationName = `ds_closed_${process.pid}`;
    const { dataSource, sockets } = await openDataSource(proxy.route(db.url), applicationName, 5_000);
    proxy.delayRequests(500);
    // TypeORM's own shutdown hook may run first: its destroy() resolves early, as above.
    await dataSource.destroy();

    await closeDataSource(dataSource, sockets, 5_000);

    expect(await backendsOf(db.url, applicationName)).toBe('0');
  });

  // ...but not for ever: a PostgreSQL that never hangs up (frozen, or a half-open network) must not hold shutdown.
  it('should give up after the wait it is given when PostgreSQL never hangs up, and say how many were left', async () => {
    const applicationName = `ds_stuck_${process.pid}`;
    const { dataSource, sockets } = await openDataSource(proxy.route(db.url), applicationName, 5_000);
    proxy.delayRequests(600_000);

    const left = await closeDataSource(dataSource, sockets, 200);

    expect(left).toBe(3);
    // Resolved although the backends were still there: the Terminate had not reached PostgreSQL.
    expect(await backendsOf(db.url, applicationName)).toBe('3');
  });
});
