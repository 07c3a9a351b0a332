import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/core';
import { AuthMetrics } from './auth.metrics';
import { AuthCrypto } from './auth-crypto';
import { Clock } from '@app/core';
import type { ClientInfo } from '../domain/client-info';
import { toUserView, type AuthResponseView } from '../domain/views';
import type { LoginOutcome } from '../domain/login-outcome';
import { LoginAttemptRepository } from '../persistence/login-attempt.repository';
import { UserRepository } from '../persistence/user.repository';
import { LoginThrottle } from './login-throttle';
import type { Credentials } from './register.service';
import { SessionService } from './session.service';

/** The one answer for an unknown email and a wrong password alike. */
export const BAD_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class LoginService {
  constructor(
    private readonly users: UserRepository,
    private readonly attempts: LoginAttemptRepository,
    private readonly sessions: SessionService,
    private readonly crypto: AuthCrypto,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
  ) {}

  async login(credentials: Credentials, client: ClientInfo): Promise<AuthResponseView> {
    const keys = this.throttle.keysFor(credentials.email, client.ip);
    // Independent round trips (PostgreSQL and the counters), so in parallel.
    const [user, started] = await Promise.all([
      this.users.findByEmail(credentials.email),
      this.throttle.beginLogin(keys).then(
        (ticket) => ({ ticket }),
        (error: unknown) => ({ error }),
      ),
    ]);
    if ('error' in started) {
      await this.record(user?.id ?? null, client, 'throttled');
      this.metrics.recordLogin('throttled');
      throw started.error;
    }
    // Unknown emails cost one bcrypt comparison too, so timing does not tell which accounts exist.
    const valid = user
      ? await this.crypto.verifyPassword(credentials.password, user.passwordHash)
      : await this.crypto.verifyAgainstDummy(credentials.password);
    if (!user || !valid) {
      // Counted the same for unknown emails, so the limits do not tell which accounts exist either.
      await Promise.all([
        this.record(user?.id ?? null, client, 'bad_credentials'),
        this.throttle.loginFailed(started.ticket),
      ]);
      this.metrics.recordLogin('bad_credentials');
      throw DomainError.unauthenticated(BAD_CREDENTIALS);
    }
    // The session and the success record are one statement; the throttle update runs beside it.
    const [, tokens] = await Promise.all([
      this.throttle.loginSucceeded(started.ticket),
      this.sessions.open(user.id, user.role, client, true),
    ]);
    this.metrics.recordLogin('success');
    return { user: toUserView(user), tokens };
  }

  private record(userId: string | null, client: ClientInfo, outcome: LoginOutcome): Promise<void> {
    return this.attempts.record({ userId, at: this.clock.now(), ...client, outcome });
  }
}
