import { DomainError, ErrorCode, FakeClock } from '@app/core';
import { AuthSettings } from '../auth.settings';
import { AuthCrypto } from './auth-crypto';
import { BcryptWorkers } from './bcrypt-workers';
import type { SessionEntity } from '../persistence/session.entity';
import type { NewSession, RevokeReason, SessionRepository } from '../persistence/session.repository';
import type { UserRepository } from '../persistence/user.repository';
import type { AccessTokenService } from './access-token.service';
import { AuthMetrics } from './auth.metrics';
import { SessionService } from './session.service';

/** In-memory stand-in with the same compare-and-swap semantics as the SQL. */
class FakeSessions {
  readonly rows = new Map<string, SessionEntity>();

  create(session: NewSession): Promise<void> {
    const { now, ...rest } = session;
    this.rows.set(session.id, { ...rest, createdAt: now, lastUsedAt: now, revokedAt: null, revokedReason: null });
    return Promise.resolve();
  }

  findById(id: string): Promise<SessionEntity | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }

  rotate(id: string, oldHash: string, newHash: string, now: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.refreshHash !== oldHash || row.revokedAt !== null || row.expiresAt <= now) {
      return Promise.resolve(false);
    }
    row.refreshHash = newHash;
    return Promise.resolve(true);
  }

  revoke(userId: string, id: string, reason: RevokeReason, now: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.userId !== userId || row.revokedAt !== null) {
      return Promise.resolve(false);
    }
    row.revokedAt = now;
    row.revokedReason = reason;
    return Promise.resolve(true);
  }
}

describe(SessionService.name, () => {
  const settings = Object.assign(new AuthSettings(), { AUTH_REFRESH_TTL: 3600, AUTH_BCRYPT_COST: 4 });
  const client = { ip: '192.0.2.1', userAgent: 'spec' };
  let sessions: FakeSessions;
  let clock: FakeClock;
  let sut: SessionService;

  beforeEach(() => {
    sessions = new FakeSessions();
    clock = new FakeClock(new Date('2030-01-01T00:00:00Z'));
    const users = { findById: (id: string) => Promise.resolve({ id, role: 'user' }) } as unknown as UserRepository;
    const tokens = {
      issue: (userId: string) => Promise.resolve({ token: `access-for-${userId}`, expiresIn: 900 }),
    } as unknown as AccessTokenService;
    sut = new SessionService(
      sessions as unknown as SessionRepository,
      users,
      tokens,
      new AuthCrypto(settings, new BcryptWorkers(settings)),
      clock,
      settings,
      new AuthMetrics(),
    );
  });

  const codeOf = async (promise: Promise<unknown>): Promise<ErrorCode | 'ok'> =>
    promise.then(
      () => 'ok' as const,
      (error: unknown) => (error instanceof DomainError ? error.code : ErrorCode.INTERNAL),
    );

  it('should store only a hash of the refresh token', async () => {
    const pair = await sut.open('u1', 'user', client);
    const [row] = [...sessions.rows.values()];
    expect(row.refreshHash).not.toContain(pair.refreshToken.split('.')[1]);
    expect(row.refreshHash).toMatch(/^[0-9a-f]{64}$/);
    expect(pair.refreshExpiresAt).toBe('2030-01-01T01:00:00.000Z');
  });

  it('should rotate: the new token works once and the old one no longer does', async () => {
    const first = await sut.open('u1', 'user', client);
    const second = await sut.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await codeOf(sut.refresh(second.refreshToken))).toBe('ok');
  });

  it('should revoke the whole family when a rotated token is presented again', async () => {
    const first = await sut.open('u1', 'user', client);
    const second = await sut.refresh(first.refreshToken);
    expect(await codeOf(sut.refresh(first.refreshToken))).toBe(ErrorCode.UNAUTHENTICATED);
    expect([...sessions.rows.values()][0].revokedReason).toBe('refresh_reuse');
    expect(await codeOf(sut.refresh(second.refreshToken))).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('should let only one of two racing refreshes with the same token win', async () => {
    const first = await sut.open('u1', 'user', client);
    const results = await Promise.all([
      codeOf(sut.refresh(first.refreshToken)),
      codeOf(sut.refresh(first.refreshToken)),
    ]);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
  });

  it('should refuse malformed, unknown and expired refresh tokens as UNAUTHENTICATED', async () => {
    const first = await sut.open('u1', 'user', client);
    expect(await codeOf(sut.refresh('nonsense'))).toBe(ErrorCode.UNAUTHENTICATED);
    expect(await codeOf(sut.refresh(`00000000-0000-4000-8000-000000000000.${'a'.repeat(43)}`))).toBe(
      ErrorCode.UNAUTHENTICATED,
    );
    clock.set(new Date('2030-01-01T02:00:00Z'));
    expect(await codeOf(sut.refresh(first.refreshToken))).toBe(ErrorCode.UNAUTHENTICATED);
  });
});
