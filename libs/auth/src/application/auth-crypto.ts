import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import { authSettings, type AuthSettings } from '../auth.settings';

/**
 * Password hashing and token randomness. bcrypt's async API runs on the libuv thread pool, so hashing never
 * blocks the event loop.
 */
@Injectable()
export class AuthCrypto {
  /** Compared against when the email is unknown, so that path costs one bcrypt compare too. */
  private dummyHash?: Promise<string>;

  constructor(@Inject(authSettings.KEY) private readonly settings: AuthSettings) {}

  hashPassword(password: string): Promise<string> {
    return hash(password, this.settings.AUTH_BCRYPT_COST);
  }

  verifyPassword(password: string, passwordHash: string): Promise<boolean> {
    return compare(password, passwordHash);
  }

  /** Burns the time of a real comparison and always fails. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), this.settings.AUTH_BCRYPT_COST);
    await compare(password, await this.dummyHash);
    return false;
  }

  randomToken(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }

  randomId(): string {
    return randomUUID();
  }

  sha256(value: string): string {
    return createHash('sha256').update(value, 'utf8').digest('hex');
  }

  equalHashes(a: string, b: string): boolean {
    const left = Buffer.from(a, 'utf8');
    const right = Buffer.from(b, 'utf8');
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
