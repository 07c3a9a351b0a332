import { Injectable } from '@nestjs/common';
import { batchDeleteStatement, SqlClient, type KeysetCursor } from '@app/core';
import type { LoginOutcome } from '../domain/login-outcome';
import type { LoginAttemptEntity } from './login-attempt.entity';

export interface NewLoginAttempt {
  userId: string | null;
  at: Date;
  ip: string;
  userAgent: string;
  outcome: LoginOutcome;
}

/** The one INSERT of a login record; the session insert of a successful login reuses it (SessionRepository). */
export const INSERT_LOGIN_ATTEMPT = 'INSERT INTO auth_login_attempts (user_id, at, ip, user_agent, outcome)';

@Injectable()
export class LoginAttemptRepository {
  constructor(private readonly sql: SqlClient) {}

  async record(attempt: NewLoginAttempt): Promise<void> {
    await this.sql.execute(`${INSERT_LOGIN_ATTEMPT} VALUES ($1, $2, $3, $4, $5)`, [
      attempt.userId,
      attempt.at,
      attempt.ip,
      attempt.userAgent,
      attempt.outcome,
    ]);
  }

  /** Deletes at most `limit` attempts made before `cutoff` (retention); returns how many went. */
  purgeBefore(cutoff: Date, limit: number): Promise<number> {
    return this.sql.execute(PURGE_BEFORE, [limit, cutoff]);
  }

  listByUser(userId: string, limit: number, offset: number): Promise<LoginAttemptEntity[]> {
    return this.sql.query<LoginAttemptEntity>(
      `SELECT id, user_id AS "userId", at, ip, user_agent AS "userAgent", outcome FROM auth_login_attempts
        WHERE user_id = $1 ORDER BY at DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
  }

  /** One page of the user's login history for the export, newest first (see SessionRepository.exportPage). */
  exportPage(userId: string, after: KeysetCursor | undefined, limit: number): Promise<LoginAttemptExportRow[]> {
    if (after === undefined) {
      return this.sql.query<LoginAttemptExportRow>(
        `SELECT ${EXPORT_COLUMNS} FROM auth_login_attempts WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
        [userId, limit],
      );
    }
    return this.sql.query<LoginAttemptExportRow>(
      `SELECT ${EXPORT_COLUMNS} FROM auth_login_attempts
        WHERE user_id = $1 AND (at, id) < ($2::timestamptz, $3::uuid) ORDER BY at DESC, id DESC LIMIT $4`,
      [userId, after.cursorAt, after.id, limit],
    );
  }
}

const PURGE_BEFORE = batchDeleteStatement('auth_login_attempts', 'at < $2');

const EXPORT_COLUMNS = 'id, user_id AS "userId", at, ip, user_agent AS "userAgent", outcome, at::text AS "cursorAt"';

export type LoginAttemptExportRow = LoginAttemptEntity & KeysetCursor;
