import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Caller } from '@app/core';
import { AuthMetrics } from './auth.metrics';
import { authSettings, type AuthSettings } from '../auth.settings';
import { AuthCrypto } from './auth-crypto';
import { Clock } from '@app/core';
import type { ClientInfo } from '../domain/client-info';
import type { Role } from '../domain/role';
import { toSessionView, type SessionView, type TokenPairView } from '../domain/views';
import { SessionRepository } from '../persistence/session.repository';
import { UserRepository } from '../persistence/user.repository';
import { AccessTokenService } from './access-token.service';
import { formatRefreshToken, parseRefreshToken } from './refresh-token';

const INVALID_REFRESH = 'Invalid or expired refresh token';
/** The most sessions ListSessions answers (newest first, the caller's own always among them). */
export const SESSION_LIST_MAX = 100;

/**
 * Sessions are refresh token families (OAuth 2.0 Security BCP): each refresh rotates the token by compare-and-swap,
 * and presenting a token that was already rotated revokes the whole family.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly crypto: AuthCrypto,
    private readonly clock: Clock,
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
    private readonly metrics: AuthMetrics,
  ) {}

  /** A new session (refresh token family); `recordLogin` also writes the login's success record with it. */
  async open(userId: string, role: Role, client: ClientInfo, recordLogin = false): Promise<TokenPairView> {
    const now = this.clock.now();
    const id = this.crypto.randomId();
    const refreshToken = formatRefreshToken(id, this.crypto.randomToken());
    const expiresAt = new Date(now.getTime() + this.settings.AUTH_REFRESH_TTL * 1000);
    const refreshHash = this.crypto.sha256(refreshToken);
    await this.sessions.create({ id, userId, refreshHash, ...client, now, expiresAt }, recordLogin);
    return this.pair(userId, role, id, refreshToken, expiresAt);
  }

  async refresh(refreshToken: string): Promise<TokenPairView> {
    const parsed = parseRefreshToken(refreshToken);
    const session = parsed ? await this.sessions.findById(parsed.sessionId) : null;
    const now = this.clock.now();
    if (!session || session.revokedAt !== null || session.expiresAt <= now) {
      throw DomainError.unauthenticated(INVALID_REFRESH);
    }
    const presented = this.crypto.sha256(refreshToken);
    const next = formatRefreshToken(session.id, this.crypto.randomToken());
    const rotated =
      this.crypto.equalHashes(presented, session.refreshHash) &&
      (await this.sessions.rotate(session.id, presented, this.crypto.sha256(next), now));
    if (!rotated) {
      // An old token of a live family: it was stolen or replayed. Revoke the family (theft detection).
      await this.sessions.revoke(session.userId, session.id, 'refresh_reuse', now);
      this.metrics.recordRefreshReuse();
      throw DomainError.unauthenticated('Refresh token was already used; the session has been revoked');
    }
    const user = await this.users.findById(session.userId);
    if (!user) {
      throw DomainError.unauthenticated(INVALID_REFRESH);
    }
    return this.pair(user.id, user.role, session.id, next, session.expiresAt);
  }

  async logout(caller: Caller): Promise<void> {
    await this.sessions.revoke(caller.id, caller.sessionId, 'logout', this.clock.now());
  }

  async logoutEverywhere(caller: Caller): Promise<void> {
    await this.sessions.revokeAll(caller.id, 'logout_everywhere', this.clock.now());
  }

  /** At most SESSION_LIST_MAX sessions: logins are not limited, so a list of all of them would not be bounded. */
  async list(caller: Caller): Promise<{ sessions: SessionView[]; total: number }> {
    const page = await this.sessions.listActive(caller.id, caller.sessionId, this.clock.now(), SESSION_LIST_MAX);
    return { sessions: page.sessions.map((session) => toSessionView(session, caller.sessionId)), total: page.total };
  }

  async revoke(caller: Caller, sessionId: string): Promise<void> {
    if (!(await this.sessions.revoke(caller.id, sessionId, 'revoked', this.clock.now()))) {
      throw DomainError.notFound('No such active session');
    }
  }

  private async pair(
    userId: string,
    role: Role,
    sessionId: string,
    refreshToken: string,
    refreshExpiresAt: Date,
  ): Promise<TokenPairView> {
    const access = await this.accessTokens.issue(userId, role, sessionId);
    return {
      accessToken: access.token,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
    };
  }
}
