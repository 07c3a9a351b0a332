import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { createTestDatabase, queryDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { spawnApp } from '../support/spawned-app';

const SECRET = { AUTH_JWT_SECRET: 's'.repeat(40) };

describe('Chorus process', () => {
  it('should exit non-zero with one line naming a bad setting', async () => {
    const sut = await spawnApp({ HTTP_PORT: 'abc', ...SECRET });
    const code = await sut.exited();
    expect(code).not.toBe(0);
    const lines = sut.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('HTTP_PORT');
    expect(lines[0]).toContain('integer');
  });

  it('should read settings from the CHORUS_CONFIG file, and let the environment win over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-config-'));
    const file = join(dir, 'chorus.yaml');
    const db = await createTestDatabase('config');
    try {
      writeFileSync(file, 'DB_POOL_SIZE: 0\n');
      const bad = await spawnApp({ CHORUS_CONFIG: file, DATABASE_URL: db.url, ...SECRET });
      expect(await bad.exited()).not.toBe(0);
      expect(bad.stderr().trim().split('\n')).toEqual([expect.stringContaining('DB_POOL_SIZE')]);

      writeFileSync(file, 'HTTP_PORT: abc\nDB_POOL_SIZE: 3\n');
      const overridden = await spawnApp({ CHORUS_CONFIG: file, DATABASE_URL: db.url, ...SECRET });
      await overridden.waitReady();
      expect(await overridden.stop()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('should migrate exactly once when three replicas boot at once against an empty database', async () => {
    const db = await createTestDatabase('replicas');
    try {
      const replicas = await Promise.all(
        [1, 2, 3].map(() => spawnApp({ DATABASE_URL: db.url, ...SECRET, LOG_LEVEL: 'error' })),
      );
      await Promise.all(replicas.map((r) => r.waitReady()));
      const rows = await queryDatabase<{ name: string }>(db.url, 'SELECT name FROM migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
      const codes = await Promise.all(replicas.map((r) => r.stop()));
      expect(codes).toEqual([0, 0, 0]);
    } finally {
      await db.drop();
    }
  });

  it('should start an embedded PostgreSQL without DATABASE_URL, reuse it, and survive a stale pid file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-embedded-'));
    const port = String(await freePort());
    const env = { DATABASE_URL: '', DATA_DIR: dataDir, DB_EMBEDDED_PORT: port, ...SECRET };
    try {
      const first = await spawnApp(env);
      await first.waitReady();
      expect(await first.stop()).toBe(0);
      // The pools close before the server stops: no connection of theirs is cut under them.
      expect(first.stdout() + first.stderr()).not.toContain('connection lost');
      expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

      // What a kill -9 leaves behind: a pid file naming a process that is gone.
      writeFileSync(join(dataDir, 'pg', 'postmaster.pid'), '999999\n/tmp\n');
      const second = await spawnApp(env);
      await second.waitReady();
      const startup = await fetch(`${second.httpUrl}/health/startup`);
      expect(startup.status).toBe(200);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should stop cleanly on Ctrl-C, which reaches every process of the terminal job, embedded PostgreSQL too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-ctrl-c-'));
    const port = String(await freePort());
    try {
      const sut = await spawnApp(
        { DATABASE_URL: '', DATA_DIR: dataDir, DB_EMBEDDED_PORT: port, ...SECRET },
        { processGroup: true },
      );
      await sut.waitReady();
      // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
      process.kill(-(sut.process.pid as number), 'SIGINT');
      // PostgreSQL outlived the drain (Chorus exits 0 only after a clean stop) and Chorus stopped it.
      expect(await sut.exited()).toBe(0);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      // ...only once every pool connection had closed: none was cut under its pool (the shutdown order that holds
      // this is SqlClient's close, tested on its own in sql-client.int-spec.ts).
      expect(sut.stdout() + sut.stderr()).not.toContain('connection lost');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should finish in-flight HTTP and gRPC calls on SIGTERM and exit 0', async () => {
    const db = await createTestDatabase('sigterm');
    // bcrypt at cost 12 makes each login take a noticeable time: real in-flight work, no test-only endpoint.
    const sut = await spawnApp({
      DATABASE_URL: db.url,
      ...SECRET,
      AUTH_BCRYPT_COST: '12',
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '100',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    try {
      await sut.waitReady();
      const credentials = { email: 'sigterm@example.com', password: 'a long enough password' };
      const registered = await fetch(`${sut.httpUrl}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
      expect(registered.status).toBe(201);
      // One wrong password first: an address that failed counts each login of it up front (and takes it back
      // on success), which is what lets the test see below that every login has arrived.
      const wrong = await fetch(`${sut.httpUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...credentials, password: 'not the password' }),
      });
      expect(wrong.status).toBe(401);
      const client = grpcClient(sut.grpcAddress, 'chorus.v1.AuthService');
      const rest = Array.from({ length: 6 }, () =>
        fetch(`${sut.httpUrl}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credentials),
        }).then((r) => r.status),
      );
      const rpc = Array.from({ length: 6 }, () =>
        grpcCall(client, 'Login', credentials, {}, 30_000).then((r) => (r.error ? r.error.code : 0)),
      );
      // SIGTERM once all 12 have arrived (a fixed wait let a slow run's last request arrive after it). Without
      // Redis the login limits count in PostgreSQL: each login from this address counts on it before its bcrypt
      // compare and takes that back when it succeeds, which it records; so arrived = counted - 1 + succeeded.
      await eventually(async () => {
        const [arrived] = await queryDatabase<{ n: number }>(
          db.url,
          `SELECT (SELECT coalesce(sum(points), 0) - 1 FROM auth_rate_limits WHERE key LIKE 'login-fail-ip:%')
                + (SELECT count(*) FROM auth_login_attempts WHERE outcome = 'success') AS n`,
        );
        return Number(arrived.n) >= 12;
      });
      const exit = sut.stop('SIGTERM');
      const [restCodes, rpcCodes] = await Promise.all([Promise.all(rest), Promise.all(rpc)]);
      client.close();
      expect(restCodes).toEqual(Array(6).fill(200));
      expect(rpcCodes).toEqual(Array(6).fill(0));
      expect(await exit).toBe(0);
    } finally {
      await sut.stop('SIGKILL');
      await db.drop();
    }
  });
});
