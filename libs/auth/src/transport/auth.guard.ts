import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode, headerOf, setCaller } from '@app/core';
import { Clock } from '@app/core';
import { SessionRepository, type ActiveCaller } from '../persistence/session.repository';
import { AccessTokenService } from '../application/access-token.service';
import { readRouteAccess } from './auth.decorators';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/**
 * The global guard, the same for REST (`Authorization: Bearer`) and gRPC (`authorization` metadata). Beyond the
 * JWT itself it checks the token's session row (one primary-key lookup): logout, revocation, refresh-token reuse
 * and account deletion take effect at once instead of when the token expires, and roles come from the account.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = readRouteAccess(ctx.getHandler(), ctx.getClass(), this.reflector);
    const header = headerOf(ctx, 'authorization')?.trim() ?? '';
    if (access.signIn === 'none' || (access.signIn === 'optional' && header === '')) {
      return true;
    }
    const match = BEARER.exec(header);
    if (!match) {
      throw DomainError.unauthenticated('A bearer access token is required');
    }
    const claims = await this.tokens.verify(match[1]);
    const caller = await this.activeCaller(claims.sid, claims.sub);
    if (access.roles.length > 0 && !access.roles.includes(caller.role)) {
      throw DomainError.permissionDenied(`Requires role ${access.roles.join(' or ')}`);
    }
    setCaller(ctx, { id: caller.userId, role: caller.role, sessionId: claims.sid });
    return true;
  }

  private async activeCaller(sessionId: string, userId: string): Promise<ActiveCaller> {
    let caller: ActiveCaller | null;
    try {
      caller = await this.sessions.findActiveCaller(sessionId, userId, this.clock.now());
    } catch (error) {
      this.logger.warn(`session check failed: ${(error as Error).message}`);
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Cannot verify the session right now', {
        retryAfterSeconds: 1,
      });
    }
    if (!caller) {
      throw DomainError.unauthenticated('The session has ended; sign in again');
    }
    return caller;
  }
}
