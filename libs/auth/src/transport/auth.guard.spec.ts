import { Controller, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Metadata } from '@grpc/grpc-js';
import { bearerUserOf, callerOf, DomainError, ErrorCode, FakeClock } from '@app/core';
import type { ActiveCaller, SessionRepository } from '../persistence/session.repository';
import type { AccessClaims, AccessTokenService } from '../application/access-token.service';
import { Authenticated, Public, Roles } from './auth.decorators';
import { AuthGuard } from './auth.guard';

@Controller()
class OpenController {
  open(): void {}

  @Authenticated()
  closed(): void {}

  @Roles('admin')
  adminOnly(): void {}
}

@Authenticated()
@Controller()
class ClosedController {
  closed(): void {}

  @Public()
  open(): void {}
}

const TOKEN = 'aaa.bbb.ccc';

function rpcContext(handler: () => void, cls: object, authorization?: string): ExecutionContext {
  const metadata = new Metadata();
  if (authorization) {
    metadata.set('authorization', authorization);
  }
  const call = { getPeer: () => 'ipv4:127.0.0.1:5000', getPath: () => '/chorus.v1.AuthService/GetMe' };
  return {
    getType: () => 'rpc',
    getHandler: () => handler,
    getClass: () => cls,
    getArgByIndex: (i: number) => [{}, metadata, call][i],
    switchToRpc: () => ({ getContext: () => metadata, getData: () => ({}) }),
  } as unknown as ExecutionContext;
}

describe(AuthGuard.name, () => {
  let active: ActiveCaller | null;
  let verified: number;
  let sessionLookups: number;
  let sut: AuthGuard;

  beforeEach(() => {
    active = { userId: 'u1', role: 'user' };
    verified = 0;
    sessionLookups = 0;
    const tokens = {
      verify: (token: string): Promise<AccessClaims> => {
        verified += 1;
        return token === TOKEN
          ? Promise.resolve({ sub: 'u1', role: 'user', sid: 's1', jti: 'j1' })
          : Promise.reject(DomainError.unauthenticated());
      },
    } as unknown as AccessTokenService;
    const sessions = {
      findActiveCaller: () => {
        sessionLookups += 1;
        return Promise.resolve(active);
      },
    } as unknown as SessionRepository;
    sut = new AuthGuard(new Reflector(), tokens, sessions, new FakeClock());
  });

  const codeOf = (ctx: ExecutionContext): Promise<ErrorCode | boolean> =>
    Promise.resolve()
      .then(() => sut.canActivate(ctx))
      .catch((error: unknown) => (error instanceof DomainError ? error.code : ErrorCode.INTERNAL));

  it('should leave handlers without auth metadata open', async () => {
    const proto = OpenController.prototype;
    expect(await codeOf(rpcContext(proto.open, OpenController))).toBe(true);
    expect(await codeOf(rpcContext(ClosedController.prototype.open, ClosedController))).toBe(true);
  });

  it('should require a bearer token where authentication is asked for', async () => {
    const proto = ClosedController.prototype;
    expect(await codeOf(rpcContext(proto.closed, ClosedController))).toBe(ErrorCode.UNAUTHENTICATED);
    expect(await codeOf(rpcContext(proto.closed, ClosedController, `Basic ${TOKEN}`))).toBe(ErrorCode.UNAUTHENTICATED);
    expect(await codeOf(rpcContext(proto.closed, ClosedController, 'Bearer x.y.z'))).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('should tell a missing token from an Authorization header that holds no bearer token', async () => {
    const proto = ClosedController.prototype;
    const messageOf = (authorization?: string): Promise<string> =>
      Promise.resolve()
        .then(() => sut.canActivate(rpcContext(proto.closed, ClosedController, authorization)))
        .then(
          () => 'let in',
          (error: unknown) => (error as Error).message,
        );
    expect(await messageOf()).toBe('A bearer access token is required');
    expect(await messageOf('Bearer ')).toContain('Authorization must be "Bearer <accessToken>"');
    expect(await messageOf(`Basic ${TOKEN}`)).toContain('Authorization must be "Bearer <accessToken>"');
  });

  it('should set the caller from the session row for a valid token', async () => {
    const ctx = rpcContext(OpenController.prototype.closed, OpenController, `Bearer ${TOKEN}`);
    expect(await codeOf(ctx)).toBe(true);
    expect(callerOf(ctx)).toEqual({ id: 'u1', role: 'user', sessionId: 's1' });
  });

  it('should refuse a valid token whose session ended', async () => {
    active = null;
    const ctx = rpcContext(OpenController.prototype.closed, OpenController, `Bearer ${TOKEN}`);
    expect(await codeOf(ctx)).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('should check roles against the account, not the token', async () => {
    const ctx = (): ExecutionContext =>
      rpcContext(OpenController.prototype.adminOnly, OpenController, `Bearer ${TOKEN}`);
    expect(await codeOf(ctx())).toBe(ErrorCode.PERMISSION_DENIED);
    active = { userId: 'u1', role: 'admin' };
    expect(await codeOf(ctx())).toBe(true);
  });

  describe('on an open route', () => {
    const open = (authorization?: string): ExecutionContext =>
      rpcContext(OpenController.prototype.open, OpenController, authorization);

    it('should let a call with a token in at once, verifying nothing until its user is asked for', () => {
      const ctx = open(`Bearer ${TOKEN}`);

      expect(sut.canActivate(ctx)).toBe(true);

      expect(verified).toBe(0);
      expect(callerOf(ctx)).toBeUndefined();
      expect(bearerUserOf(ctx)).toBeDefined();
    });

    it("should name the token's user from the JWT alone, once, without a session lookup", async () => {
      const ctx = open(`Bearer ${TOKEN}`);
      expect(sut.canActivate(ctx)).toBe(true);
      const user = bearerUserOf(ctx);

      expect(await user?.()).toBe('u1');
      expect(await user?.()).toBe('u1');
      expect(verified).toBe(1);
      expect(sessionLookups).toBe(0);
    });

    it('should treat a token that does not verify as no token, never refusing the call', async () => {
      const ctx = open('Bearer x.y.z');

      expect(sut.canActivate(ctx)).toBe(true);

      expect(await bearerUserOf(ctx)?.()).toBeUndefined();
    });

    it('should note nothing without a bearer token', () => {
      for (const authorization of [undefined, `Basic ${TOKEN}`, 'Bearer not-a-jwt']) {
        const ctx = open(authorization);
        expect(sut.canActivate(ctx)).toBe(true);
        expect(bearerUserOf(ctx)).toBeUndefined();
      }
    });
  });
});
