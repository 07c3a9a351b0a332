import { parseSettings, resetSettingsCache, SettingsError } from '@app/core';
import { AuthSettings, authSettings } from './auth.settings';

const LONG = 'k'.repeat(32);

function parse(raw: Record<string, string>): AuthSettings {
  return parseSettings(AuthSettings, raw);
}

describe(AuthSettings.name, () => {
  const saved = process.env.NODE_ENV;

  // The secret rule reads NODE_ENV through core's memoized raw settings.
  function setNodeEnv(value: string | undefined): void {
    if (value === undefined) {
      delete process.env.NODE_ENV;
    } else {
      process.env.NODE_ENV = value;
    }
    resetSettingsCache();
  }

  afterEach(() => setNodeEnv(saved));

  it('should accept a secret of at least 32 bytes and keep it out of JSON and strings', () => {
    const sut = parse({ AUTH_JWT_SECRET: LONG });
    expect(sut.AUTH_JWT_SECRET.reveal()).toBe(LONG);
    expect(JSON.stringify(sut)).not.toContain(LONG);
    expect(String(sut.AUTH_JWT_SECRET)).toBe('[redacted]');
  });

  it('should refuse a short secret with one line that names the setting but not the value', () => {
    const secret = 'short-but-secret';
    const run = (): AuthSettings => parse({ AUTH_JWT_SECRET: secret });
    expect(run).toThrow(SettingsError);
    expect(run).toThrow(/AUTH_JWT_SECRET.*at least 32 bytes/);
    expect(run).not.toThrow(new RegExp(secret));
  });

  it('should count bytes, not characters', () => {
    expect(() => parse({ AUTH_JWT_SECRET: 'é'.repeat(16) })).not.toThrow();
    expect(() => parse({ AUTH_JWT_SECRET: 'é'.repeat(15) })).toThrow(SettingsError);
  });

  it('should require the secret in production only', () => {
    setNodeEnv('production');
    expect(() => parse({})).toThrow(/AUTH_JWT_SECRET/);
    expect(() => parse({ AUTH_JWT_SECRET: LONG })).not.toThrow();
    setNodeEnv('development');
    expect(parse({}).AUTH_JWT_SECRET.reveal()).toBe('');
  });

  it('should have the documented defaults', () => {
    const sut = parse({});
    expect(sut).toMatchObject({ AUTH_ACCESS_TTL: 900, AUTH_REFRESH_TTL: 2_592_000, AUTH_BCRYPT_COST: 12 });
  });

  it('should refuse a bcrypt cost outside 4..15', () => {
    expect(() => parse({ AUTH_BCRYPT_COST: '3' })).toThrow(/AUTH_BCRYPT_COST/);
  });

  it('should refuse the removed AUTH_ADMIN_EMAILS with one line that says what to use instead', () => {
    process.env.AUTH_ADMIN_EMAILS = 'ops@example.com';
    resetSettingsCache();
    try {
      expect(() => authSettings()).toThrow(SettingsError);
      expect(() => authSettings()).toThrow(/^AUTH_ADMIN_EMAILS was removed: .*npm run user:create-admin[^\n]*$/);
    } finally {
      delete process.env.AUTH_ADMIN_EMAILS;
      resetSettingsCache();
    }
    expect(() => authSettings()).not.toThrow();
  });
});
