import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode, headerOf, setBearerUser, setCaller } from '@app/core';
import { Clock } from '@app/core';
import { SessionRepository, type ActiveCaller } from '../persistence/session.repository';
import { AccessTokenService } from '../application/access-token.service';
import { readRouteAccess, type RouteAccess } from './auth.decorators';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/**
 * The global guard, the same for REST (`Authorization: Bearer`) and gRPC (`authorization` metadata). Beyond the
 * JWT itself it checks the token's session row (one primary-key lookup): logout, revocation, refresh-token reuse
 * and account deletion take effect at once instead of when the token expires, and roles come from the account.
 *
 * On an open route a token grants nothing but whose provider budget the call draws on, so it is neither required
 * nor refused there: it is noted, and its JWT alone is verified if the call reaches a provider (a bad or expired
 * token then counts as no token). Warm answers never verify it and no open route looks up a session.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);
  /** A route's access rule is metadata fixed at boot: read once per controller and handler, not on every call. */
  private readonly access = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  /** An open route answers at once, without a promise; only a token to check goes the asynchronous way. */
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const access = this.accessOf(ctx);
    const header = headerOf(ctx, 'authorization')?.trim() ?? '';
    if (access.signIn === 'none') {
      this.noteBearer(ctx, header);
      return true;
    }
    if (access.signIn === 'optional' && header === '') {
      return true;
    }
    return this.signedIn(ctx, access, header);
  }

  private noteBearer(ctx: ExecutionContext, header: string): void {
    const token = header === '' ? undefined : BEARER.exec(header)?.[1];
    if (token !== undefined) {
      setBearerUser(ctx, () =>
        this.tokens.verify(token).then(
          (claims) => claims.sub,
          () => undefined,
        ),
      );
    }
  }

  private accessOf(ctx: ExecutionContext): RouteAccess {
    const controller = ctx.getClass();
    const handler = ctx.getHandler();
    let byHandler = this.access.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.access.set(controller, byHandler);
    }
    let access = byHandler.get(handler);
    if (access === undefined) {
      access = readRouteAccess(handler, controller, this.reflector);
      byHandler.set(handler, access);
    }
    return access;
  }

  private async signedIn(ctx: ExecutionContext, access: RouteAccess, header: string): Promise<boolean> {
    const match = BEARER.exec(header);
    if (!match) {
      // A header that is there but not a bearer JWT (`Bearer $ACCESS` with $ACCESS unset, a Basic header) is the
      // caller's typo: "required" would send them looking for a missing header.
      throw DomainError.unauthenticated(
        header === ''
          ? 'A bearer access token is required'
          : 'Authorization must be "Bearer <accessToken>", with the accessToken that login or refresh answered',
      );
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
