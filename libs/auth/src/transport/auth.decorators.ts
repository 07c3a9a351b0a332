import { createParamDecorator, SetMetadata, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { callerOf, clientIpOf, DomainError, headerOf, type Caller } from '@app/core';
import type { ClientInfo } from '../domain/client-info';
import type { Role } from '../domain/role';

export const AUTH_REQUIRED_KEY = 'chorus:auth:required';
export const AUTH_ROLES_KEY = 'chorus:auth:roles';
export const AUTH_OPTIONAL_KEY = 'chorus:auth:optional';

/**
 * Requires a valid access token (class or method). Auth is opt-in: handlers without this, `@Roles` or with
 * `@Public()` are open, so health probes and public lookups stay public by default.
 */
export const Authenticated = (): ClassDecorator & MethodDecorator => SetMetadata(AUTH_REQUIRED_KEY, true);

/** Opts one method out of a class-level `@Authenticated()` / `@Roles()`. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(AUTH_REQUIRED_KEY, false);

/**
 * Sign-in is optional (method): without a token the call is anonymous; with one, the token and its session are
 * checked exactly as for `@Authenticated()`, so a bad or revoked token is still refused, never ignored.
 */
export const OptionalAuth = (): MethodDecorator => SetMetadata(AUTH_OPTIONAL_KEY, true);

/** The caller on an `@OptionalAuth()` handler, or undefined for an anonymous one. */
export const OptionalCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller | undefined =>
  callerOf(ctx),
);

/** Requires a valid access token whose account has one of these roles (implies `@Authenticated()`). */
export const Roles = (...roles: Role[]): ClassDecorator & MethodDecorator => SetMetadata(AUTH_ROLES_KEY, roles);

/** The signed-in caller (`{ id, role, sessionId }`); only on handlers that require authentication. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const caller = callerOf(ctx);
  if (!caller) {
    // A handler read the caller without @Authenticated(): fail closed.
    throw DomainError.unauthenticated();
  }
  return caller;
});

/** Who may call a route, as the guard enforces it and the OpenAPI document declares it. */
export interface RouteAccess {
  /** none: anonymous; optional: a token is checked when sent; required: a valid token is needed. */
  signIn: 'none' | 'optional' | 'required';
  /** With `signIn: 'required'`: the roles allowed (empty = any signed-in user). */
  roles: Role[];
}

const metadataReader = new Reflector();

/** The access rule of a handler: method metadata overrides its class's. */
export function readRouteAccess(
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a handler of any signature
  handler: Function,
  controller: Type,
  reflector: Reflector = metadataReader,
): RouteAccess {
  const targets = [handler, controller];
  const roles = reflector.getAllAndOverride<Role[] | undefined>(AUTH_ROLES_KEY, targets);
  const required = reflector.getAllAndOverride<boolean | undefined>(AUTH_REQUIRED_KEY, targets);
  if (reflector.get<boolean | undefined>(AUTH_OPTIONAL_KEY, handler) === true) {
    return { signIn: 'optional', roles: [] };
  }
  if (required === false || (required === undefined && roles === undefined)) {
    return { signIn: 'none', roles: [] };
  }
  return { signIn: 'required', roles: roles ?? [] };
}

const MAX_USER_AGENT = 512;

/** The client's address and user agent (HTTP header or gRPC metadata), for sessions and login history. */
export const RequestClient = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientInfo => ({
  ip: clientIpOf(ctx) || 'unknown',
  userAgent: (headerOf(ctx, 'user-agent') ?? '').slice(0, MAX_USER_AGENT),
}));
