import { DomainError, ErrorCode, FakeClock } from '@app/core';
import type { AuthCrypto } from './auth-crypto';
import type { NewLoginAttempt } from '../persistence/login-attempt.repository';
import type { LoginAttemptRepository } from '../persistence/login-attempt.repository';
import type { UserEntity } from '../persistence/user.entity';
import type { UserRepository } from '../persistence/user.repository';
import type { LoginThrottle } from './login-throttle';
import { AuthMetrics } from './auth.metrics';
import { LoginService } from './login.service';
import type { SessionService } from './session.service';

const USER = { id: 'u1', email: 'ann@example.com', passwordHash: 'hash:right', role: 'user', createdAt: new Date(0) };

describe(LoginService.name, () => {
  let recorded: NewLoginAttempt[];
  let dummyCompares: number;
  let throttled: boolean;
  let sut: LoginService;

  beforeEach(() => {
    recorded = [];
    dummyCompares = 0;
    throttled = false;
    const users = {
      findByEmail: (email: string) => Promise.resolve(email === USER.email ? (USER as UserEntity) : null),
    } as unknown as UserRepository;
    const attempts = {
      record: (attempt: NewLoginAttempt) => Promise.resolve(void recorded.push(attempt)),
    } as unknown as LoginAttemptRepository;
    const sessions = {
      open: (userId: string, _role: string, from: { ip: string; userAgent: string }, recordLogin: boolean) => {
        if (recordLogin) {
          recorded.push({ userId, at: new Date(1), ...from, outcome: 'success' });
        }
        return Promise.resolve({ accessToken: 'a' });
      },
    } as unknown as SessionService;
    const crypto = {
      verifyPassword: (password: string, hash: string) => Promise.resolve(hash === `hash:${password}`),
      verifyAgainstDummy: () => Promise.resolve(void dummyCompares++).then(() => false),
    } as unknown as AuthCrypto;
    const throttle = {
      keysFor: () => ({ account: 'a', ip: 'i' }),
      beginLogin: () =>
        throttled ? Promise.reject(new DomainError(ErrorCode.RATE_LIMITED, 'slow down')) : Promise.resolve({}),
      loginFailed: () => Promise.resolve(),
      loginSucceeded: () => Promise.resolve(),
    } as unknown as LoginThrottle;
    const clock = new FakeClock(1);
    sut = new LoginService(users, attempts, sessions, crypto, throttle, clock, new AuthMetrics());
  });

  const client = { ip: '192.0.2.9', userAgent: 'spec' };
  const errorOf = (promise: Promise<unknown>): Promise<DomainError> =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => error as DomainError,
    );

  it('should sign in with the right password and record a success', async () => {
    await expect(sut.login({ email: USER.email, password: 'right' }, client)).resolves.toMatchObject({
      user: { id: 'u1' },
    });
    expect(recorded).toEqual([expect.objectContaining({ userId: 'u1', outcome: 'success', ip: client.ip })]);
  });

  it('should answer a wrong password and an unknown email with the same error, comparing a dummy hash', async () => {
    const wrong = await errorOf(sut.login({ email: USER.email, password: 'nope' }, client));
    const unknown = await errorOf(sut.login({ email: 'who@example.com', password: 'nope' }, client));
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
    expect(wrong.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(dummyCompares).toBe(1);
    expect(recorded.map((r) => [r.userId, r.outcome])).toEqual([
      ['u1', 'bad_credentials'],
      [null, 'bad_credentials'],
    ]);
  });

  it('should record and pass on a throttled attempt without checking the password', async () => {
    throttled = true;
    const error = await errorOf(sut.login({ email: USER.email, password: 'right' }, client));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(recorded.map((r) => r.outcome)).toEqual(['throttled']);
  });
});
