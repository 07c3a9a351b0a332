import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { LoginAttemptsAtIndex1799000020100 } from '../../migrations/1799000020100-login-attempts-at-index';
import { createMigratedDatabase, queryDatabase, type TestDatabase } from '../support/database';

const INDEX = 'auth_login_attempts_at_idx';

/** Retention deletes login attempts by age alone (`at < cutoff`), which the (user_id, at) index cannot serve. */
describe(LoginAttemptsAtIndex1799000020100.name, () => {
  let db: TestDatabase;

  const indexDefinitions = async (): Promise<string[]> =>
    (
      await queryDatabase<{ indexdef: string }>(
        db.url,
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'auth_login_attempts' AND indexname = $1`,
        [INDEX],
      )
    ).map((row) => row.indexdef);

  beforeAll(async () => {
    db = await createMigratedDatabase('login_attempts_index');
  });

  afterAll(() => db.drop());

  it('should leave an index on the attempts’ time alone once every migration ran', async () => {
    expect(await indexDefinitions()).toEqual([expect.stringMatching(/USING btree \(at\)$/)]);
  });

  it('should let retention’s batch select by age read that index rather than the whole table', async () => {
    expect(await explainRetentionSelect(db.url)).toContain(INDEX);
  });

  it('should drop the index on the way down and build it again on the way up', async () => {
    const dataSource = new DataSource({ type: 'postgres', url: db.url, migrations: MIGRATIONS });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      await new LoginAttemptsAtIndex1799000020100().down(runner);
      expect(await indexDefinitions()).toEqual([]);
      await new LoginAttemptsAtIndex1799000020100().up(runner);
      expect(await indexDefinitions()).toHaveLength(1);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  });
});

/** The plan of retention's batch select (batchDeleteStatement's inner select), with sequential scans discouraged. */
async function explainRetentionSelect(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // On an empty table a scan is always cheapest; this shows what the planner could use on a large one.
    await client.query('SET enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT ctid FROM auth_login_attempts WHERE at < now() - interval '90 days' LIMIT 500`,
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}
