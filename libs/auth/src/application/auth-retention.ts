import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock, RetentionRegistry } from '@app/core';
import { authSettings, type AuthSettings } from '../auth.settings';
import { LoginAttemptRepository } from '../persistence/login-attempt.repository';
import { SessionRepository } from '../persistence/session.repository';

const DAY_MS = 86_400_000;

/**
 * The auth lib's part of the scheduled retention cleanup: login attempts older than AUTH_LOGIN_HISTORY_DAYS, and
 * sessions that can no longer be used (expired or revoked).
 */
@Injectable()
export class AuthRetention implements OnModuleInit {
  constructor(
    private readonly registry: RetentionRegistry,
    private readonly attempts: LoginAttemptRepository,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      table: 'auth_login_attempts',
      purgeBatch: (limit) =>
        this.attempts.purgeBefore(
          new Date(this.clock.now().getTime() - this.settings.AUTH_LOGIN_HISTORY_DAYS * DAY_MS),
          limit,
        ),
    });
    this.registry.register({
      table: 'auth_sessions',
      purgeBatch: (limit) => this.sessions.purgeEnded(this.clock.now(), limit),
    });
  }
}
