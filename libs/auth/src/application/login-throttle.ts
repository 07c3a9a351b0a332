import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError, ErrorCode } from '@app/core';
import { authSettings, type AuthSettings } from '../auth.settings';
import { FailureCounters, readCounts, type FailureCounter, type WindowCount } from '../persistence/failure-counters';
import { AuthCrypto } from './auth-crypto';

export interface LoginKeys {
  account: string;
  ip: string;
  /** The account as tried from this address. */
  pair: string;
}

/** A login let through to the password check, and what was counted for it up front. */
export interface LoginTicket {
  keys: LoginKeys;
  /** The pair's failures when the attempt began. */
  pairFailures: number;
  /** The account's failures when the attempt began. */
  accountFailures: number;
  /** Points counted up front (only for an address or pair that had failed already) and owed back on success. */
  reserved: { ip: boolean; pair: boolean };
}

/** The progressive delay: none for a first failure, then doubling from this, up to the cap. */
const DELAY_STEP_MS = 125;
const DELAY_CAP_MS = 2_000;

/** How long an attempt on an account with `failures` recent failures waits before its password is checked. */
export function progressiveDelayMs(failures: number): number {
  return failures < 2 ? 0 : Math.min(DELAY_CAP_MS, DELAY_STEP_MS * 2 ** Math.min(failures - 2, 16));
}

function rateLimited(message: string, window: WindowCount): DomainError {
  return new DomainError(ErrorCode.RATE_LIMITED, message, {
    retryAfterSeconds: Math.max(1, Math.ceil(window.resetInMs / 1000)),
  });
}

const TOO_MANY_FROM_ADDRESS = 'Too many failed logins from this address; try again later';
const TOO_MANY_FOR_ACCOUNT = 'Too many failed logins for this account from this address; try again later';

/**
 * Brute-force limits that stop guessing, not owners (rate-limiter-flexible's login-protection pattern). Only
 * completed failures count, per address, per (account, address) and per account:
 * - an address over AUTH_LOGIN_MAX_FAILURES_PER_IP is refused on every account;
 * - an address with failures on an account is refused on it once the account (or the pair itself) reached
 *   AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT;
 * - everyone else gets through to the password check, after a delay that grows with the account's failures: a
 *   correct password from an address with no recent failures on the account is never refused.
 * Attempts in flight count only for an address or pair that failed already (counted up front, so a burst from it
 * cannot overshoot its limit, and given back on success); a clean address's concurrent logins count nothing.
 */
@Injectable()
export class LoginThrottle {
  private readonly byIp: FailureCounter;
  private readonly byPair: FailureCounter;
  private readonly byAccount: FailureCounter;
  private readonly registrations: FailureCounter;

  constructor(
    counters: FailureCounters,
    private readonly crypto: AuthCrypto,
    private readonly clock: Clock,
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
  ) {
    const window = settings.AUTH_LOGIN_WINDOW_SECONDS;
    this.byIp = counters.counter('login-fail-ip', window);
    this.byPair = counters.counter('login-fail-account-ip', window);
    this.byAccount = counters.counter('login-fail-account', window);
    this.registrations = counters.counter('register-ip', settings.AUTH_REGISTER_WINDOW_SECONDS);
  }

  keysFor(email: string, ip: string): LoginKeys {
    // Emails are hashed so the counters (in Redis or PostgreSQL) hold no addresses.
    const account = this.crypto.sha256(email).slice(0, 40);
    return { account, ip, pair: `${account}:${ip}` };
  }

  /** RATE_LIMITED for an address that may not try now; otherwise waits the account's delay and lets it in. */
  async beginLogin(keys: LoginKeys): Promise<LoginTicket> {
    const [ip, pair, account] = await readCounts([
      [this.byIp, keys.ip],
      [this.byPair, keys.pair],
      [this.byAccount, keys.account],
    ]);
    this.refuseIfOver(ip, pair, account);
    const reserved = await this.reserve(keys, ip, pair);
    const delayMs = progressiveDelayMs(account.count);
    if (delayMs > 0) {
      // Not even a zero timer for an account without failures: that would hold every login for a timers phase.
      await this.clock.sleep(delayMs);
    }
    return { keys, pairFailures: pair.count, accountFailures: account.count, reserved };
  }

  /** Counts the failure wherever it was not counted up front. */
  async loginFailed({ keys, reserved }: LoginTicket): Promise<void> {
    await Promise.all([
      reserved.ip ? undefined : this.byIp.add(keys.ip),
      reserved.pair ? undefined : this.byPair.add(keys.pair),
      this.byAccount.add(keys.account),
    ]);
  }

  /**
   * Gives back what was counted up front, clears the pair, and forgives the account the failures that came from
   * this address (the owner's own typos); failures from elsewhere still count against the account.
   */
  async loginSucceeded({ keys, pairFailures, accountFailures, reserved }: LoginTicket): Promise<void> {
    const pairCounted = pairFailures > 0 || reserved.pair;
    const [cleared] = await Promise.all([
      pairCounted ? this.byPair.clear(keys.pair) : false,
      reserved.ip ? this.byIp.takeBack(keys.ip) : undefined,
    ]);
    // Only the success that cleared the pair forgives (concurrent ones must not forgive the same failures twice),
    // and never below zero, which would give a guesser extra tries.
    if (cleared && pairFailures > 0) {
      await this.byAccount.takeBack(keys.account, Math.min(pairFailures, accountFailures));
    }
  }

  async consumeRegistration(ip: string): Promise<void> {
    const window = await this.registrations.add(ip);
    if (window.count > this.settings.AUTH_REGISTER_MAX_PER_IP) {
      throw rateLimited('Too many registrations from this address; try again later', window);
    }
  }

  private refuseIfOver(ip: WindowCount, pair: WindowCount, account: WindowCount): void {
    const perAccount = this.settings.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT;
    if (ip.count >= this.settings.AUTH_LOGIN_MAX_FAILURES_PER_IP) {
      throw rateLimited(TOO_MANY_FROM_ADDRESS, ip);
    }
    if (pair.count >= perAccount) {
      throw rateLimited(TOO_MANY_FOR_ACCOUNT, pair);
    }
    if (pair.count > 0 && account.count >= perAccount) {
      // Either window ending lets this address try again.
      throw rateLimited(TOO_MANY_FOR_ACCOUNT, pair.resetInMs < account.resetInMs ? pair : account);
    }
  }

  /**
   * An address or pair that failed already counts this attempt up front, so a burst of concurrent guesses from it
   * stops at its limit; one over the limit after counting gives its point back and is refused.
   */
  private async reserve(keys: LoginKeys, ip: WindowCount, pair: WindowCount): Promise<LoginTicket['reserved']> {
    const [ipNow, pairNow] = await Promise.all([
      ip.count > 0 ? this.byIp.add(keys.ip) : undefined,
      pair.count > 0 ? this.byPair.add(keys.pair) : undefined,
    ]);
    const over =
      ipNow && ipNow.count > this.settings.AUTH_LOGIN_MAX_FAILURES_PER_IP
        ? rateLimited(TOO_MANY_FROM_ADDRESS, ipNow)
        : pairNow && pairNow.count > this.settings.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT
          ? rateLimited(TOO_MANY_FOR_ACCOUNT, pairNow)
          : undefined;
    if (over) {
      await Promise.all([
        ipNow ? this.byIp.takeBack(keys.ip) : undefined,
        pairNow ? this.byPair.takeBack(keys.pair) : undefined,
      ]);
      throw over;
    }
    return { ip: ipNow !== undefined, pair: pairNow !== undefined };
  }
}
