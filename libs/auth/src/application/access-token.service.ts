import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppSettings, DomainError, parseSettings } from '@app/core';
import { authSettings, type AuthSettings } from '../auth.settings';
import { isRole, type Role } from '../domain/role';
import { AuthCrypto } from './auth-crypto';

export const JWT_ALGORITHM = 'HS256';
/** Fixed claims, checked on every token: a token minted for another service under a shared key is refused. */
export const JWT_ISSUER = 'chorus';
export const JWT_AUDIENCE = 'chorus-api';

export interface AccessClaims {
  sub: string;
  role: Role;
  /** The session (refresh token family) the token was issued for. */
  sid: string;
  jti: string;
}

export interface AccessTokenIssue {
  token: string;
  expiresIn: number;
}

/**
 * @nestjs/jwt hands `publicKey` to jsonwebtoken's verify, which takes a KeyObject; only the option's declared
 * type (string | Buffer) is narrower. Signing's `privateKey` is declared with the full type already.
 */
function asVerifyKey(key: KeyObject): Buffer {
  return key as unknown as Buffer;
}

function isClaims(payload: unknown): payload is AccessClaims {
  const claims = payload as Partial<AccessClaims> | null;
  return (
    typeof claims === 'object' &&
    claims !== null &&
    typeof claims.sub === 'string' &&
    typeof claims.sid === 'string' &&
    typeof claims.jti === 'string' &&
    isRole(claims.role)
  );
}

/** Short-lived JWTs; verification pins the algorithm, issuer and audience. */
@Injectable()
export class AccessTokenService {
  private readonly logger = new Logger(AccessTokenService.name);
  /**
   * KeyObjects made once. Given a string, jsonwebtoken first tries to parse it as a PEM key, fails with an
   * exception and only then makes a secret key: ~0.5 ms per sign and per verify, i.e. per authenticated call.
   */
  private readonly key: KeyObject;
  private readonly previousKey?: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly crypto: AuthCrypto,
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
  ) {
    this.key = createSecretKey(Buffer.from(settings.AUTH_JWT_SECRET.reveal() || this.developmentSecret()));
    const previous = settings.AUTH_JWT_PREVIOUS_SECRET.reveal();
    this.previousKey = previous ? createSecretKey(Buffer.from(previous)) : undefined;
  }

  async issue(userId: string, role: Role, sessionId: string): Promise<AccessTokenIssue> {
    const token = await this.jwt.signAsync(
      { role, sid: sessionId },
      {
        privateKey: this.key,
        algorithm: JWT_ALGORITHM,
        subject: userId,
        jwtid: this.crypto.randomId(),
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        expiresIn: this.settings.AUTH_ACCESS_TTL,
      },
    );
    return { token, expiresIn: this.settings.AUTH_ACCESS_TTL };
  }

  private async verifyWith(token: string, key: KeyObject): Promise<unknown> {
    try {
      return await this.jwt.verifyAsync<object>(token, {
        publicKey: asVerifyKey(key),
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      });
    } catch {
      return undefined;
    }
  }

  /** During a key rotation, tokens signed with the previous key stay valid until they expire. */
  private async verifyWithPrevious(token: string): Promise<unknown> {
    return this.previousKey ? this.verifyWith(token, this.previousKey) : undefined;
  }

  /** Any failure (expired, tampered, alg none, wrong issuer/audience, malformed) is one UNAUTHENTICATED. */
  async verify(token: string): Promise<AccessClaims> {
    const payload = (await this.verifyWith(token, this.key)) ?? (await this.verifyWithPrevious(token));
    if (payload === undefined) {
      throw DomainError.unauthenticated('Invalid or expired access token');
    }
    if (!isClaims(payload)) {
      throw DomainError.unauthenticated('Invalid or expired access token');
    }
    return payload;
  }

  private developmentSecret(): string {
    // The settings refuse an empty secret in production; elsewhere tokens die with the process.
    const env = parseSettings(AppSettings).NODE_ENV;
    if (env === 'development') {
      this.logger.warn('AUTH_JWT_SECRET is not set: using a random key, tokens will not survive a restart');
    }
    return randomBytes(48).toString('base64url');
  }
}
