import { Injectable } from '@nestjs/common';
import { DomainError, type Caller } from '@app/core';
import { AuthCrypto } from './auth-crypto';
import { Clock } from '@app/core';
import type { ClientInfo } from '../domain/client-info';
import { toLoginAttemptView, toUserView, type LoginAttemptView, type UserView } from '../domain/views';
import type { UserEntity } from '../persistence/user.entity';
import { LoginAttemptRepository } from '../persistence/login-attempt.repository';
import { SessionRepository } from '../persistence/session.repository';
import { UserRepository } from '../persistence/user.repository';
import { AccountDataRegistry } from './account-data.registry';
import { LoginThrottle } from './login-throttle';

export const DEFAULT_PAGE = 50;

/** The signed-in user's own account: profile, password, history, deletion. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly attempts: LoginAttemptRepository,
    private readonly registry: AccountDataRegistry,
    private readonly crypto: AuthCrypto,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async me(caller: Caller): Promise<UserView> {
    return toUserView(await this.requireUser(caller));
  }

  /** Other sessions are revoked; the current one stays signed in. */
  async changePassword(caller: Caller, current: string, next: string, client: ClientInfo): Promise<void> {
    const user = await this.confirmPassword(caller, current, 'currentPassword', client);
    await this.users.updatePasswordHash(user.id, await this.crypto.hashPassword(next));
    await this.sessions.revokeAll(user.id, 'password_changed', this.clock.now(), caller.sessionId);
  }

  /** Other libs' rows go first, then the user row (sessions and login history cascade), in one transaction. */
  async deleteAccount(caller: Caller, password: string, client: ClientInfo): Promise<void> {
    const user = await this.confirmPassword(caller, password, 'password', client);
    await this.users.deleteById(user.id, async (tx) => {
      for (const contributor of this.registry.all()) {
        await contributor.deleteData?.(user.id, tx);
      }
    });
  }

  async loginAttempts(caller: Caller, limit?: number, offset?: number): Promise<LoginAttemptView[]> {
    const attempts = await this.attempts.listByUser(caller.id, limit || DEFAULT_PAGE, offset ?? 0);
    return attempts.map(toLoginAttemptView);
  }

  /** Re-asking the password is throttled like a login, so a stolen access token cannot guess it. */
  private async confirmPassword(
    caller: Caller,
    password: string,
    field: string,
    client: ClientInfo,
  ): Promise<UserEntity> {
    const user = await this.requireUser(caller);
    const keys = this.throttle.keysFor(user.email, client.ip);
    const ticket = await this.throttle.beginLogin(keys);
    if (!(await this.crypto.verifyPassword(password, user.passwordHash))) {
      await this.throttle.loginFailed(ticket);
      throw DomainError.invalid(field, 'is not the current password');
    }
    await this.throttle.loginSucceeded(ticket);
    return user;
  }

  private async requireUser(caller: Caller): Promise<UserEntity> {
    const user = await this.users.findById(caller.id);
    if (!user) {
      throw DomainError.unauthenticated('The account no longer exists');
    }
    return user;
  }
}
