import { DomainError, ErrorCode, SqlClient, SqlError, UNIQUE_VIOLATION } from '@app/core';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/ports';
import { TcpProxy } from '../resilience/tcp-proxy';

interface PreparedRow {
  name: string;
  statement: string;
}

const LOOKUP = 'SELECT data, expires_at FROM things WHERE id = $1';

/** SqlClient against a real PostgreSQL, mostly on a pool of one connection so its session can be inspected. */
describe(SqlClient.name, () => {
  let db: TestDatabase;
  let sut: SqlClient;

  const preparedHere = (): Promise<PreparedRow[]> =>
    sut.query<PreparedRow>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');

  beforeAll(async () => {
    db = await createTestDatabase('sql_client');
  });

  afterAll(() => db.drop());

  // A new pool (and table) per test: prepared statements live as long as their connection.
  beforeEach(async () => {
    await queryDatabase(db.url, 'DROP TABLE IF EXISTS things');
    await queryDatabase(
      db.url,
      'CREATE TABLE things (id int PRIMARY KEY, data jsonb NOT NULL, expires_at timestamptz)',
    );
    await queryDatabase(db.url, `INSERT INTO things VALUES (1, '{"name":"one"}', now() + interval '1 hour')`);
    sut = new SqlClient({ connectionString: db.url, max: 1 });
  });

  afterEach(() => sut.onApplicationShutdown());

  it('should prepare every statement once per connection and answer every call from it', async () => {
    for (const id of [1, 1, 2]) {
      await sut.query(LOOKUP, [id]);
    }
    const rows = await sut.query<{ data: unknown }>(LOOKUP, [1]);

    expect(rows).toEqual([{ data: { name: 'one' }, expires_at: expect.any(Date) }]);
    expect((await preparedHere()).filter((r) => r.statement === LOOKUP)).toEqual([
      { name: 'chorus_1', statement: LOOKUP },
    ]);
  });

  it('should give two texts two names', async () => {
    await sut.query(LOOKUP, [1]);
    await sut.query('SELECT count(*) FROM things');

    expect((await preparedHere()).map((r) => r.statement)).toEqual([
      LOOKUP,
      'SELECT count(*) FROM things',
      'SELECT name, statement FROM pg_prepared_statements ORDER BY name',
    ]);
  });

  it('should prepare statements inside a transaction on the transaction’s connection', async () => {
    await sut.transaction((tx) => tx.query(LOOKUP, [1]));

    expect((await preparedHere()).map((r) => r.statement)).toContain(LOOKUP);
  });

  it('should keep answering after a column is added to the table a prepared statement reads', async () => {
    await sut.query(LOOKUP, [1]);
    await queryDatabase(db.url, 'ALTER TABLE things ADD COLUMN note text');

    expect(await sut.query(LOOKUP, [1])).toHaveLength(1);
  });

  it('should stop naming statements past 200 texts, so texts built per call cannot fill every connection', async () => {
    for (let i = 0; i < 205; i += 1) {
      await sut.query(`SELECT ${i} AS n`);
    }

    expect(await preparedHere()).toHaveLength(200);
  });

  it('should count the rows a statement touched', async () => {
    expect(await sut.execute('UPDATE things SET data = $1 WHERE id >= $2', [{ name: 'uno' }, 1])).toBe(1);
    expect(await sut.execute('DELETE FROM things WHERE id = $1', [42])).toBe(0);
  });

  it('should commit a transaction’s work and answer what the work returned', async () => {
    const answer = await sut.transaction(async (tx) => {
      await tx.execute(`INSERT INTO things VALUES (2, '{}', NULL)`);
      return tx.query<{ n: string }>('SELECT count(*) AS n FROM things');
    });

    expect(answer).toEqual([{ n: '2' }]);
    expect(await queryDatabase(db.url, 'SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('should roll back everything a transaction wrote when its work throws, and rethrow', async () => {
    const failure = await sut
      .transaction(async (tx) => {
        await tx.execute(`INSERT INTO things VALUES (2, '{}', NULL)`);
        await tx.execute(`INSERT INTO things VALUES (1, '{}', NULL)`);
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SqlError);
    expect((failure as SqlError).code).toBe(UNIQUE_VIOLATION);
    expect(await queryDatabase(db.url, 'SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }]);
    // The connection went back to the pool clean: the next statement is not inside an aborted transaction.
    expect(await sut.query(LOOKUP, [1])).toHaveLength(1);
  });

  it('should turn synchronous commit off for an async-commit transaction only, and only inside it', async () => {
    const setting = (rows: Array<{ synchronous_commit: string }>): string => rows[0].synchronous_commit;

    const inside = await sut.transaction((tx) => tx.query<{ synchronous_commit: string }>('SHOW synchronous_commit'), {
      asyncCommit: true,
    });
    const plain = await sut.transaction((tx) => tx.query<{ synchronous_commit: string }>('SHOW synchronous_commit'));
    const after = await sut.query<{ synchronous_commit: string }>('SHOW synchronous_commit');

    expect([setting(inside), setting(plain), setting(after)]).toEqual(['off', 'on', 'on']);
  });

  it('should report its pool: connections open, idle and callers waiting', async () => {
    expect(sut.poolCounts()).toEqual({ total: 0, idle: 0, waiting: 0 });

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const inTransaction = new Promise<void>((resolve) => (started = resolve));
    const holder = sut.transaction(async () => {
      started();
      await held;
    });
    await inTransaction;
    const waiter = sut.query(LOOKUP, [1]);

    expect(sut.poolCounts()).toEqual({ total: 1, idle: 0, waiting: 1 });
    release();
    await Promise.all([holder, waiter]);
    expect(sut.poolCounts()).toEqual({ total: 1, idle: 1, waiting: 0 });
  });

  it('should throw SqlError with the SQLSTATE and without the statement text in its message', async () => {
    const failure = await sut.query('SELECT * FROM no_such_table').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SqlError);
    expect((failure as SqlError).code).toBe('42P01');
    expect((failure as SqlError).message).not.toContain('SELECT');
  });

  it('should answer UPSTREAM_UNAVAILABLE with a retry-after when PostgreSQL cannot be reached', async () => {
    const closedPort = await freePort();
    const away = new SqlClient({ connectionString: `postgres://postgres@127.0.0.1:${closedPort}/x` });
    try {
      const failures = await Promise.all([
        away.query('SELECT 1').catch((error: unknown) => error),
        away.transaction((tx) => tx.query('SELECT 1')).catch((error: unknown) => error),
      ]);

      for (const failure of failures) {
        expect(failure).toBeInstanceOf(DomainError);
        expect(failure).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE, retryAfterSeconds: 5 });
      }
    } finally {
      await away.onApplicationShutdown();
    }
  });
});

describe(`${SqlClient.name} closing`, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;

  beforeAll(async () => {
    db = await createTestDatabase('sql_client_close');
    proxy = TcpProxy.forUrl(db.url);
    await proxy.start();
  });

  afterAll(async () => {
    await proxy.stop();
    await db.drop();
  });

  // pg-pool's end() resolves once its list of clients is empty, which it empties before their sockets close: a
  // PostgreSQL stopped right then (the embedded one, on shutdown) cut those connections under the pool and the
  // pool logged "idle PostgreSQL connection lost". A slow path to the server widens that window to certainty.
  it('should resolve its close only once PostgreSQL has let go of every connection of the pool', async () => {
    const applicationName = `close_${process.pid}`;
    const sut = new SqlClient({ connectionString: proxy.route(db.url), max: 4, application_name: applicationName });
    await Promise.all(Array.from({ length: 4 }, () => sut.query('SELECT pg_sleep(0.05)')));
    expect(sut.poolCounts()).toMatchObject({ total: 4, idle: 4 });
    proxy.delayRequests(500);

    await sut.onApplicationShutdown();
    const left = await queryDatabase<{ n: string }>(
      db.url,
      'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );

    expect(left).toEqual([{ n: '0' }]);
  });
  // ...but not for ever: a PostgreSQL that never hangs up (frozen, or a half-open network) must not hold shutdown.
  it('should give up waiting after the connect timeout when PostgreSQL never hangs up', async () => {
    proxy.delayRequests(0);
    const applicationName = `close_stuck_${process.pid}`;
    const sut = new SqlClient({
      connectionString: proxy.route(db.url),
      max: 2,
      connectionTimeoutMillis: 200,
      application_name: applicationName,
    });
    await Promise.all(Array.from({ length: 2 }, () => sut.query('SELECT pg_sleep(0.05)')));
    proxy.delayRequests(600_000);

    await sut.onApplicationShutdown();
    const left = await queryDatabase<{ n: string }>(
      db.url,
      'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );

    // Resolved although both backends were still there: the Terminate had not reached PostgreSQL.
    expect(left).toEqual([{ n: '2' }]);
  });
});
