import { spawnApp } from '../support/spawned-app';

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
});
