import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createTestDatabase, queryDatabase } from '../support/database';
import { spawnApp } from '../support/spawned-app';
import { PASSWORD, uniqueEmail } from './auth-helpers';

/** These run the compiled app and script (`npm test` builds first). */
const CREATE_ADMIN_JS = resolve(__dirname, '..', '..', 'dist', 'scripts', 'create-admin.js');

function runScript(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CREATE_ADMIN_JS, ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => done({ code, out }));
  });
}

describe('Auth settings at boot', () => {
  it('should refuse to start in production without AUTH_JWT_SECRET, in one line', async () => {
    const sut = await spawnApp({ NODE_ENV: 'production' });
    expect(await sut.exited()).not.toBe(0);
    const lines = sut.stderr().trim().split('\n');
    expect(lines).toEqual([expect.stringContaining('AUTH_JWT_SECRET')]);
  });

  it('should refuse a secret shorter than 32 bytes without printing it', async () => {
    const secret = 'too-short-secret';
    const sut = await spawnApp({ AUTH_JWT_SECRET: secret });
    expect(await sut.exited()).not.toBe(0);
    const lines = sut.stderr().trim().split('\n');
    expect(lines).toEqual([expect.stringContaining('at least 32 bytes')]);
    expect(sut.stderr() + sut.stdout()).not.toContain(secret);
  });

  it('should create an admin with npm run user:create-admin and never print the password', async () => {
    const db = await createTestDatabase('admin');
    try {
      const email = uniqueEmail('root');
      const env = { DATABASE_URL: db.url, AUTH_JWT_SECRET: 's'.repeat(40), AUTH_BCRYPT_COST: '4' };
      const created = await runScript(['--email', email, '--password', PASSWORD], env);
      expect(created).toEqual({ code: 0, out: expect.stringContaining(`created admin ${email}`) });
      expect(created.out).not.toContain(PASSWORD);
      const rows = await queryDatabase<{ role: string }>(db.url, 'SELECT role FROM auth_users WHERE email = $1', [
        email,
      ]);
      expect(rows).toEqual([{ role: 'admin' }]);
      const bad = await runScript(['--email', email, '--password', 'short'], env);
      expect(bad.code).toBe(1);
      expect(bad.out.trim()).toMatch(/^password must be 8 to 72 bytes/);
    } finally {
      await db.drop();
    }
  });
});
