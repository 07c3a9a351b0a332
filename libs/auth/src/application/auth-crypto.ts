import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authSettings, type AuthSettings } from '../auth.settings';
import { BcryptWorkers } from './bcrypt-workers';

/**
 * Password hashing and token randomness. bcrypt runs on BcryptWorkers' threads, so hashing neither blocks the
 * event loop nor takes libuv's pool away from DNS lookups.
 */
@Injectable()
export class AuthCrypto {
  /** Compared against when the email is unknown, so that path costs one bcrypt compare too. */
  private dummyHash?: Promise<string>;

  constructor(
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
    private readonly bcrypt: BcryptWorkers,
  ) {}

  hashPassword(password: string): Promise<string> {
    return this.bcrypt.hash(password, this.settings.AUTH_BCRYPT_COST);
  }

  verifyPassword(password: string, passwordHash: string): Promise<boolean> {
    return this.bcrypt.compare(password, passwordHash);
  }

  /** Burns the time of a real comparison and always fails. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hashPassword(randomBytes(16).toString('hex'));
    await this.verifyPassword(password, await this.dummyHash);
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
