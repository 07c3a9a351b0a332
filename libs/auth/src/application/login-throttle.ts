import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import { authSettings, type AuthSettings } from '../auth.settings';
import { AuthCrypto } from './auth-crypto';
import { AttemptCounter, type WindowCount } from './attempt-counter';

export interface LoginKeys {
  account: string;
  ip: string;
}

function rateLimited(message: string, window: WindowCount): DomainError {
  return new DomainError(ErrorCode.RATE_LIMITED, message, {
    retryAfterSeconds: Math.max(1, Math.ceil(window.resetInMs / 1000)),
  });
}

/**
 * Brute-force limits. A login attempt is counted before the password is checked (so a burst of concurrent
 * guesses cannot overshoot the limit) and taken back when it succeeds: what remains counted are failures.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly counter: AttemptCounter,
    private readonly crypto: AuthCrypto,
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
  ) {}

  keysFor(email: string, ip: string): LoginKeys {
    // Emails are hashed so the counters (in Redis or PostgreSQL) hold no addresses.
    return { account: `login:acct:${this.crypto.sha256(email).slice(0, 40)}`, ip: `login:ip:${ip}` };
  }

  /** Counts the attempt; RATE_LIMITED once the account or the IP went over its limit in the current window. */
  async beginLogin(keys: LoginKeys): Promise<void> {
    const windowMs = this.settings.AUTH_LOGIN_WINDOW_SECONDS * 1000;
    const [account, ip] = await this.counter.incrementEach([keys.account, keys.ip], windowMs);
    const tooMany =
      account.count > this.settings.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT
        ? rateLimited('Too many failed logins for this account; try again later', account)
        : ip.count > this.settings.AUTH_LOGIN_MAX_FAILURES_PER_IP
          ? rateLimited('Too many failed logins from this address; try again later', ip)
          : undefined;
    if (tooMany) {
      // A refused attempt checked no password, so it is not a failure: it gives its slots back. Otherwise a
      // burst of concurrent (even correct) logins would keep the account locked for the whole window.
      await Promise.all([this.counter.decrement(keys.account), this.counter.decrement(keys.ip)]);
      throw tooMany;
    }
  }

  /** A success clears the account's failures and takes its own attempt back from the IP's count. */
  async loginSucceeded(keys: LoginKeys): Promise<void> {
    await this.counter.resetAndTakeBack(keys.account, keys.ip);
  }

  async consumeRegistration(ip: string): Promise<void> {
    const window = await this.counter.increment(`register:ip:${ip}`, this.settings.AUTH_REGISTER_WINDOW_SECONDS * 1000);
    if (window.count > this.settings.AUTH_REGISTER_MAX_PER_IP) {
      throw rateLimited('Too many registrations from this address; try again later', window);
    }
  }
}
