import { DatabaseSettings, SqlClient } from '@app/core';
import { DataSource, QueryFailedError } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface PreparedRow extends Record<string, unknown> {
  name: string;
  statement: string;
}

const LOOKUP = 'SELECT data, expires_at FROM things WHERE id = $1';

/** Prepared statements against a real PostgreSQL, on a pool of one connection so its session can be inspected. */
describe('SqlClient', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  const client = (prepared: boolean): SqlClient =>
    new SqlClient(dataSource, Object.assign(new DatabaseSettings(), { DB_PREPARED_STATEMENTS: prepared }));
  const preparedHere = (sql: SqlClient): Promise<PreparedRow[]> =>
    sql.query<PreparedRow>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');

  beforeAll(async () => {
    db = await createTestDatabase('sql_client');
  });

  afterAll(() => db.drop());

  // A new connection (and table) per test: prepared statements live as long as their connection.
  beforeEach(async () => {
    dataSource = new DataSource({ type: 'postgres', url: db.url, extra: { max: 1 } });
    await dataSource.initialize();
    await dataSource.query(`DROP TABLE IF EXISTS things`);
    await dataSource.query(`CREATE TABLE things (id int PRIMARY KEY, data jsonb NOT NULL, expires_at timestamptz)`);
    await dataSource.query(`INSERT INTO things VALUES (1, '{"name":"one"}', now() + interval '1 hour')`);
  });

  afterEach(() => dataSource.destroy());

  it('should prepare a statement once per connection and answer every call from it', async () => {
    const sql = client(true);
    for (const id of [1, 1, 2]) {
      await sql.query(LOOKUP, [id], { prepare: true });
    }
    const rows = await sql.query<{ data: unknown }>(LOOKUP, [1], { prepare: true });

    expect(rows).toEqual([{ data: { name: 'one' }, expires_at: expect.any(Date) }]);
    expect(await preparedHere(sql)).toEqual([{ name: 'chorus_1', statement: LOOKUP }]);
  });

  it('should give two texts two names, and leave unflagged statements unnamed', async () => {
    const sql = client(true);
    await sql.query(LOOKUP, [1], { prepare: true });
    await sql.query('SELECT count(*) FROM things', [], { prepare: true });
    await sql.query('SELECT id FROM things');

    expect((await preparedHere(sql)).map((r) => r.statement)).toEqual([LOOKUP, 'SELECT count(*) FROM things']);
  });

  it('should prepare nothing when DB_PREPARED_STATEMENTS is off', async () => {
    const sql = client(false);
    await sql.query(LOOKUP, [1], { prepare: true });

    expect(await preparedHere(sql)).toEqual([]);
  });

  it('should keep answering after a column is added to the table a prepared statement reads', async () => {
    const sql = client(true);
    await sql.query(LOOKUP, [1], { prepare: true });
    await dataSource.query('ALTER TABLE things ADD COLUMN note text');

    expect(await sql.query(LOOKUP, [1], { prepare: true })).toHaveLength(1);
  });

  it('should stop naming statements past 200 texts, so texts built per call cannot fill every connection', async () => {
    const sql = client(true);
    for (let i = 0; i < 205; i += 1) {
      await sql.query(`SELECT ${i} AS n`, [], { prepare: true });
    }

    expect(await preparedHere(sql)).toHaveLength(200);
  });

  it("should throw TypeORM's QueryFailedError carrying the driver's code for a prepared statement", async () => {
    const sql = client(true);
    const failure = await sql.query('SELECT * FROM no_such_table', [], { prepare: true }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('42P01');
  });
});
