import { Injectable } from '@nestjs/common';
import { DomainError, type Caller } from '@app/core';
import { Clock } from '@app/core';
import { toLoginAttemptView, toSessionView, toUserView } from '../domain/views';
import { LoginAttemptRepository } from '../persistence/login-attempt.repository';
import { SessionRepository } from '../persistence/session.repository';
import { UserRepository } from '../persistence/user.repository';
import { AccountDataRegistry } from './account-data.registry';

export const EXPORT_FORMAT = 'chorus.account-export.v1';
/** Login history kept in an export; older attempts are summarised by their count only. */
const EXPORT_ATTEMPTS = 10_000;

/** Everything Chorus holds about a user, as one JSON document (GDPR-style data portability). */
@Injectable()
export class AccountExportService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly attempts: LoginAttemptRepository,
    private readonly registry: AccountDataRegistry,
    private readonly clock: Clock,
  ) {}

  async export(caller: Caller): Promise<Record<string, unknown>> {
    const user = await this.users.findById(caller.id);
    if (!user) {
      throw DomainError.unauthenticated('The account no longer exists');
    }
    const sessions = await this.sessions.listAll(user.id);
    const attempts = await this.attempts.listByUser(user.id, EXPORT_ATTEMPTS, 0);
    const document: Record<string, unknown> = {
      format: EXPORT_FORMAT,
      exportedAt: this.clock.now().toISOString(),
      user: toUserView(user),
      sessions: sessions.map((session) => ({
        ...toSessionView(session, caller.sessionId),
        revokedAt: session.revokedAt?.toISOString() ?? null,
      })),
      loginAttempts: attempts.map(toLoginAttemptView),
    };
    for (const contributor of this.registry.all()) {
      document[contributor.section] = await contributor.exportData(user.id);
    }
    return document;
  }
}
