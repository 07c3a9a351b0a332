import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import request from 'supertest';
import { queryDatabase } from '../support/database';
import { spawnApp } from '../support/spawned-app';
import { bootTestApp, type TestApp } from '../support/test-app';
import { AUTH_TEST_SETTINGS, JWT_SECRET, loginRest, PASSWORD, registerRest, uniqueEmail } from './auth-helpers';

/** The compiled script, run as an operator runs it (`npm test` builds first). */
const CREATE_ADMIN_JS = resolve(__dirname, '..', '..', 'dist', 'scripts', 'create-admin.js');
const OTHER_PASSWORD = 'another long password';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command with `stdin` piped in (none: stdin closed at once), as a script or a CI job would run it. */
function createAdmin(args: string[], stdin: string, env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CREATE_ADMIN_JS, ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm run user:create-admin', () => {
  let app: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    app = await bootTestApp(AUTH_TEST_SETTINGS);
    env = { DATABASE_URL: app.database.url, AUTH_JWT_SECRET: JWT_SECRET, AUTH_BCRYPT_COST: '4' };
  });

  afterAll(() => app.close());

  async function account(email: string): Promise<Array<{ role: string; hash: string }>> {
    return queryDatabase(app.database.url, 'SELECT role, password_hash AS hash FROM auth_users WHERE email = $1', [
      email,
    ]);
  }

  it('should create an admin from a piped password who can then log in, and never print the password', async () => {
    const email = uniqueEmail('root');
    const run = await createAdmin(['--email', email], `${PASSWORD}\n`, env);
    expect(run).toEqual({ code: 0, stdout: expect.stringContaining(`created admin ${email}`), stderr: '' });
    const signedIn = await loginRest(app.httpUrl, email);
    expect(signedIn.user.role).toBe('admin');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('should take the password from AUTH_ADMIN_PASSWORD instead of stdin', async () => {
    const email = uniqueEmail('root');
    const run = await createAdmin([`--email=${email}`], '', { ...env, AUTH_ADMIN_PASSWORD: OTHER_PASSWORD });
    expect(run.code).toBe(0);
    expect((await loginRest(app.httpUrl, email, OTHER_PASSWORD)).user.role).toBe('admin');
  });

  it('should refuse a password on the command line, without echoing it, and create nothing', async () => {
    const email = uniqueEmail('root');
    for (const args of [
      ['--email', email, '--password', OTHER_PASSWORD],
      ['--email', email, `--password=${OTHER_PASSWORD}`],
      ['--email', email, OTHER_PASSWORD],
    ]) {
      const run = await createAdmin(args, `${PASSWORD}\n`, env);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/stdin/);
      expect(run.stdout + run.stderr).not.toContain(OTHER_PASSWORD);
    }
    expect(await account(email)).toEqual([]);
  });

  it('should refuse a missing or too short password with the rule, and create nothing', async () => {
    const email = uniqueEmail('root');
    const empty = await createAdmin(['--email', email], '', env);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/no password given/);
    const short = await createAdmin(['--email', email], 'short\n', env);
    expect(short.code).not.toBe(0);
    expect(short.stderr.trim()).toMatch(/^password must be 8 to 72 bytes/);
    expect(await account(email)).toEqual([]);
  });

  it('should report a boot that cannot go on in one line, without a stack', async () => {
    const run = await createAdmin(['--email', uniqueEmail()], `${PASSWORD}\n`, { ...env, HTTP_PORT: 'abc' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('HTTP_PORT')]);
  });

  it('should refuse an existing account without --promote-existing and change nothing', async () => {
    const { user } = await registerRest(app.httpUrl);
    const before = await account(user.email);
    const run = await createAdmin(['--email', user.email], `${OTHER_PASSWORD}\n`, env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('already exists; nothing changed');
    expect(run.stderr).toContain('--promote-existing');
    expect(await account(user.email)).toEqual(before);
    expect(before[0].role).toBe('user');
  });

  it('should promote an existing account with --promote-existing and leave its password as it was', async () => {
    const { user } = await registerRest(app.httpUrl);
    const [before] = await account(user.email);
    const run = await createAdmin(['--email', user.email, '--promote-existing'], `${OTHER_PASSWORD}\n`, env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`promoted existing account ${user.email}`);
    expect(run.stdout).toContain('its password was not changed');
    expect(await account(user.email)).toEqual([{ role: 'admin', hash: before.hash }]);
    expect((await loginRest(app.httpUrl, user.email, PASSWORD)).user.role).toBe('admin');
    const withGiven = await request(app.httpUrl)
      .post('/v1/auth/login')
      .send({ email: user.email, password: OTHER_PASSWORD });
    expect(withGiven.status).toBe(401);
  });

  it('should not make a self-registered account with a formerly listed email admin after a restart', async () => {
    const { user } = await registerRest(app.httpUrl);
    const listed = await spawnApp({ ...env, AUTH_ADMIN_EMAILS: user.email });
    expect(await listed.exited()).not.toBe(0);
    const lines = listed.stderr().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/AUTH_ADMIN_EMAILS was removed: .*npm run user:create-admin/)]);
    const restarted = await spawnApp(env);
    try {
      await restarted.waitReady();
      const signedIn = await loginRest(restarted.httpUrl, user.email);
      expect(signedIn.user.role).toBe('user');
    } finally {
      await restarted.stop();
    }
    expect((await account(user.email))[0].role).toBe('user');
  });
});
