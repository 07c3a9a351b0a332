import { Client } from 'pg';
import { RETENTION_BATCH_ROWS, RetentionService, type RetentionRound } from '@app/core';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { bootTestApp, type TestApp } from '../support/test-app';

const SETTINGS = { AUTH_BCRYPT_COST: '4', AUTH_LOGIN_HISTORY_DAYS: '30' };
const TABLES = ['auth_login_attempts', 'auth_sessions', 'catalog_misses', 'catalog_searches'];
// More expired login attempts than one batch, so a round takes several statements.
const OLD_ATTEMPTS = RETENTION_BATCH_ROWS * 2 + 500;

/** Two apps on one database, each with its retention service; rounds are started by hand, never by the timer. */
describe('Retention', () => {
  let db: TestDatabase;
  let first: TestApp;
  let second: TestApp;

  const run = (app: TestApp): Promise<RetentionRound> => app.chorus.app.get(RetentionService).runOnce();
  const keys = async (table: string, column: string): Promise<string[]> =>
    (await queryDatabase<{ k: string }>(db.url, `SELECT ${column}::text AS k FROM ${table} ORDER BY 1`)).map(
      (r) => r.k,
    );

  beforeAll(async () => {
    db = await createTestDatabase('retention');
    first = await bootTestApp(SETTINGS, db);
    second = await bootTestApp(SETTINGS, db);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    await queryDatabase(db.url, `TRUNCATE ${TABLES.join(', ')}, auth_users CASCADE`);
    await seed(db.url);
  });

  it('should delete the rows past retention of every table and keep the fresh ones', async () => {
    const round = await run(first);

    expect(round).toEqual({
      ran: true,
      deleted: {
        auth_login_attempts: OLD_ATTEMPTS,
        auth_sessions: 2,
        catalog_misses: 1,
        catalog_searches: 1,
      },
    });
    expect(await keys('auth_login_attempts', 'ip')).toEqual(['fresh']);
    expect(await keys('auth_sessions', 'ip')).toEqual(['live']);
    expect(await keys('catalog_misses', 'key')).toEqual(['miss:fresh']);
    // Expired a day ago: still answered (STALE) while a provider is down, so kept for now.
    expect(await keys('catalog_searches', 'key')).toEqual(['search:fresh', 'search:recently-expired']);
    const metrics = await fetch(`${first.httpUrl}/metrics`).then((r) => r.text());
    expect(metrics).toContain(`chorus_retention_deleted_rows_total{table="auth_login_attempts"} ${OLD_ATTEMPTS}`);
    expect(metrics).toContain('chorus_retention_deleted_rows_total{table="catalog_misses"} 1');
  });

  it('should run a round on exactly one of two apps started at once', async () => {
    // Whoever wins the lock waits on this row lock in its first login-attempt batch, so the other asks for the
    // advisory lock while the winner still holds it.
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM auth_login_attempts WHERE ip = 'old' LIMIT 1 FOR UPDATE`);
      const rounds = [run(first), run(second)];
      const loser = await Promise.race(rounds);
      expect(loser).toEqual({ ran: false, deleted: {} });
      await blocker.query('COMMIT');
      const both = await Promise.all(rounds);
      expect(both.filter((r) => r.ran)).toHaveLength(1);
      expect(both.find((r) => r.ran)?.deleted.auth_login_attempts).toBe(OLD_ATTEMPTS);
    } finally {
      await blocker.end();
    }
    // The lock went with the round: the next one runs, on either app, with nothing left to delete.
    expect(await run(second)).toEqual({
      ran: true,
      deleted: { auth_login_attempts: 0, auth_sessions: 0, catalog_misses: 0, catalog_searches: 0 },
    });
  });
});

async function seed(url: string): Promise<void> {
  const [user] = await queryDatabase<{ id: string }>(
    url,
    `INSERT INTO auth_users (email, password_hash) VALUES ('kept@example.com', 'x') RETURNING id`,
  );
  await queryDatabase(
    url,
    `INSERT INTO auth_login_attempts (user_id, at, ip, user_agent, outcome)
     SELECT $1::uuid, now() - interval '31 days', 'old', 'ua', 'success' FROM generate_series(1, $2::int)
     UNION ALL SELECT $1::uuid, now() - interval '29 days', 'fresh', 'ua', 'success'`,
    [user.id, OLD_ATTEMPTS],
  );
  await queryDatabase(
    url,
    `INSERT INTO auth_sessions (id, user_id, refresh_hash, user_agent, ip, created_at, last_used_at, expires_at,
       revoked_at, revoked_reason)
     SELECT gen_random_uuid(), $1::uuid, 'h', 'ua', s.ip, now(), now(), s.expires_at, s.revoked_at, s.reason
       FROM (VALUES ('live', now() + interval '1 day', NULL::timestamptz, NULL),
                    ('expired', now() - interval '1 second', NULL, NULL),
                    ('revoked', now() + interval '1 day', now(), 'logout')) AS s (ip, expires_at, revoked_at, reason)`,
    [user.id],
  );
  await queryDatabase(
    url,
    `INSERT INTO catalog_misses (key, expires_at)
     VALUES ('miss:fresh', now() + interval '1 hour'), ('miss:expired', now() - interval '1 second')`,
  );
  await queryDatabase(
    url,
    `INSERT INTO catalog_searches (key, type, query, provider, result_ids, data, expires_at)
     SELECT s.key, 'artist', s.key, 'musicbrainz', '{}', '{}', s.expires_at
       FROM (VALUES ('search:fresh', now() + interval '1 hour'),
                    ('search:recently-expired', now() - interval '1 day'),
                    ('search:long-expired', now() - interval '8 days')) AS s (key, expires_at)`,
  );
}
