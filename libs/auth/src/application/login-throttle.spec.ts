import { RateLimiterMemory } from 'rate-limiter-flexible';
import { ErrorCode, FakeClock, type DomainError } from '@app/core';
import { AuthSettings } from '../auth.settings';
import { FailureCounter, type FailureCounters } from '../persistence/failure-counters';
import type { AuthCrypto } from './auth-crypto';
import { LoginThrottle, progressiveDelayMs, type LoginTicket } from './login-throttle';

/** The counters in this process's memory: the same library and window semantics as the Redis/PostgreSQL stores. */
const memoryCounters = {
  counter: (name: string, durationSec: number) =>
    new FailureCounter(
      new RateLimiterMemory({ keyPrefix: name, points: Number.MAX_SAFE_INTEGER, duration: durationSec }),
    ),
} as unknown as FailureCounters;

const settings = Object.assign(new AuthSettings(), {
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: 3,
  AUTH_LOGIN_MAX_FAILURES_PER_IP: 5,
  AUTH_REGISTER_MAX_PER_IP: 2,
});

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected RATE_LIMITED');
}

describe(LoginThrottle.name, () => {
  let clock: FakeClock;
  let sut: LoginThrottle;

  beforeEach(() => {
    clock = new FakeClock();
    sut = new LoginThrottle(
      memoryCounters,
      { sha256: (text: string) => text } as unknown as AuthCrypto,
      clock,
      settings,
    );
  });

  const fail = async (email: string, ip: string): Promise<void> =>
    sut.loginFailed(await sut.beginLogin(sut.keysFor(email, ip)));

  it('should let the owner in from a clean address after an attacker used up the account budget', async () => {
    const email = `owner-${Math.random()}@example.com`;
    for (let i = 0; i < 3; i += 1) {
      await fail(email, '203.0.113.1');
    }
    const before = clock.nowMs();
    const ticket = await sut.beginLogin(sut.keysFor(email, '198.51.100.7'));
    // Slowed (progressive delay), not refused.
    expect(clock.nowMs() - before).toBe(progressiveDelayMs(3));
    await sut.loginSucceeded(ticket);
  });

  it('should refuse the attacking address on that account, with a retry-after', async () => {
    const email = `target-${Math.random()}@example.com`;
    for (let i = 0; i < 3; i += 1) {
      await fail(email, '203.0.113.2');
    }
    const error = await refusal(sut.beginLogin(sut.keysFor(email, '203.0.113.2')));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('should refuse another address that failed on an account once the account is over its budget', async () => {
    const email = `spread-${Math.random()}@example.com`;
    await fail(email, '203.0.113.3');
    await fail(email, '203.0.113.4');
    await fail(email, '203.0.113.5');
    expect((await refusal(sut.beginLogin(sut.keysFor(email, '203.0.113.3')))).code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('should refuse an address over its own failure budget on every account', async () => {
    for (let i = 0; i < 5; i += 1) {
      await fail(`guess-${i}-${Math.random()}@example.com`, '203.0.113.6');
    }
    const error = await refusal(sut.beginLogin(sut.keysFor('someone@example.com', '203.0.113.6')));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('should count nothing for concurrent correct logins from a clean address', async () => {
    const keys = sut.keysFor(`burst-${Math.random()}@example.com`, '198.51.100.8');
    const tickets = await Promise.all(Array.from({ length: 8 }, () => sut.beginLogin(keys)));
    await Promise.all(tickets.map((ticket) => sut.loginSucceeded(ticket)));
    expect(tickets.every((ticket: LoginTicket) => !ticket.reserved.ip && !ticket.reserved.pair)).toBe(true);
    const again = await Promise.all(Array.from({ length: 8 }, () => sut.beginLogin(keys)));
    expect(again).toHaveLength(8);
  });

  it('should stop a burst from an address that already failed at its limit', async () => {
    const email = `burst-guess-${Math.random()}@example.com`;
    await fail(email, '203.0.113.7');
    const keys = sut.keysFor(email, '203.0.113.7');
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => sut.beginLogin(keys)));
    // One failure counted, so two more attempts fit under the pair's budget of three.
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
  });

  it('should forgive the owner their own typos once they get in', async () => {
    const email = `typo-${Math.random()}@example.com`;
    await fail(email, '198.51.100.9');
    await fail(email, '198.51.100.9');
    await sut.loginSucceeded(await sut.beginLogin(sut.keysFor(email, '198.51.100.9')));
    const before = clock.nowMs();
    const ticket = await sut.beginLogin(sut.keysFor(email, '198.51.100.9'));
    expect(clock.nowMs() - before).toBe(0);
    expect(ticket.pairFailures).toBe(0);
    expect(ticket.accountFailures).toBe(0);
  });

  it('should throttle registrations per address', async () => {
    await sut.consumeRegistration('203.0.113.8');
    await sut.consumeRegistration('203.0.113.8');
    expect((await refusal(sut.consumeRegistration('203.0.113.8'))).code).toBe(ErrorCode.RATE_LIMITED);
    await sut.consumeRegistration('203.0.113.9');
  });
});

describe(progressiveDelayMs.name, () => {
  it('should not delay a first typo, then double up to a cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(progressiveDelayMs)).toEqual([0, 0, 125, 250, 500, 1000, 2000, 2000]);
  });
});
