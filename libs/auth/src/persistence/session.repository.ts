import { Injectable } from '@nestjs/common';
import { batchDeleteStatement, SqlClient, type KeysetCursor } from '@app/core';
import type { Role } from '../domain/role';
import { INSERT_LOGIN_ATTEMPT } from './login-attempt.repository';
import type { SessionEntity } from './session.entity';

export type RevokeReason = 'logout' | 'logout_everywhere' | 'revoked' | 'password_changed' | 'refresh_reuse';

export interface NewSession {
  id: string;
  userId: string;
  refreshHash: string;
  userAgent: string;
  ip: string;
  now: Date;
  expiresAt: Date;
}

export type SessionExportRow = SessionEntity & KeysetCursor;

export interface ActiveCaller {
  userId: string;
  role: Role;
}

const COLUMNS = `id, user_id AS "userId", refresh_hash AS "refreshHash", user_agent AS "userAgent", ip,
  created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt",
  revoked_reason AS "revokedReason"`;

const PURGE_ENDED = batchDeleteStatement('auth_sessions', 'expires_at <= $2 OR revoked_at IS NOT NULL');

/** The login record of a session opened by a login, with the session's own parameters. */
const LOGIN_RECORD_CTE = `WITH login AS (${INSERT_LOGIN_ATTEMPT} VALUES ($2, $6, $5, $4, 'success'))`;

@Injectable()
export class SessionRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Every login opens one. A login's session and its `success` record in auth_login_attempts are one statement: written together
   * or not at all, in one round trip and one commit.
   */
  async create(session: NewSession, recordLogin = false): Promise<void> {
    const values = [
      session.id,
      session.userId,
      session.refreshHash,
      session.userAgent,
      session.ip,
      session.now,
      session.expiresAt,
    ];
    await this.sql.execute(
      `${recordLogin ? LOGIN_RECORD_CTE : ''}
       INSERT INTO auth_sessions (id, user_id, refresh_hash, user_agent, ip, created_at, last_used_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      values,
    );
  }

  /**
   * Deletes at most `limit` sessions that can no longer be used, expired or revoked (retention); returns how many
   * went. A refresh token of a deleted session is refused just as one of a revoked session.
   */
  purgeEnded(now: Date, limit: number): Promise<number> {
    return this.sql.execute(PURGE_ENDED, [limit, now]);
  }

  async findById(id: string): Promise<SessionEntity | null> {
    const rows = await this.sql.query<SessionEntity>(`SELECT ${COLUMNS} FROM auth_sessions WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Compare-and-swap rotation: only the holder of the current hash of a live session moves it forward, so of two
   * racing refreshes with the same token exactly one wins.
   */
  async rotate(id: string, oldHash: string, newHash: string, now: Date): Promise<boolean> {
    const updated = await this.sql.execute(
      `UPDATE auth_sessions SET refresh_hash = $3, last_used_at = $4
        WHERE id = $1 AND refresh_hash = $2 AND revoked_at IS NULL AND expires_at > $4`,
      [id, oldHash, newHash, now],
    );
    return updated === 1;
  }

  /**
   * The guard's check, on every authenticated call: the session is live and its user still exists (one
   * primary-key lookup).
   */
  async findActiveCaller(sessionId: string, userId: string, now: Date): Promise<ActiveCaller | null> {
    const rows = await this.sql.query<ActiveCaller>(
      `SELECT u.id AS "userId", u.role AS "role" FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3`,
      [sessionId, userId, now],
    );
    return rows[0] ?? null;
  }

  /**
   * The newest `limit` live sessions, the caller's own first whatever its age (so the list always shows "this
   * device"), and how many live sessions there are in all.
   */
  async listActive(
    userId: string,
    currentId: string,
    now: Date,
    limit: number,
  ): Promise<{ sessions: SessionEntity[]; total: number }> {
    const rows = await this.sql.query<SessionEntity & { total: string }>(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM auth_sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
        ORDER BY (id = $3) DESC, created_at DESC, id DESC LIMIT $4`,
      [userId, now, currentId, limit],
    );
    const total = rows.length === 0 ? 0 : Number(rows[0].total);
    return { sessions: rows.map(({ total: _total, ...session }) => session), total };
  }

  /**
   * One page of the user's sessions for the export, newest first: those after `after` (a row of the previous page).
   * `cursorAt` is the creation time as PostgreSQL prints it, to the microsecond a JavaScript Date would lose.
   */
  exportPage(userId: string, after: KeysetCursor | undefined, limit: number): Promise<SessionExportRow[]> {
    if (after === undefined) {
      return this.sql.query<SessionExportRow>(
        `SELECT ${COLUMNS}, created_at::text AS "cursorAt" FROM auth_sessions WHERE user_id = $1
          ORDER BY created_at DESC, id DESC LIMIT $2`,
        [userId, limit],
      );
    }
    return this.sql.query<SessionExportRow>(
      `SELECT ${COLUMNS}, created_at::text AS "cursorAt" FROM auth_sessions
        WHERE user_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid)
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after.cursorAt, after.id, limit],
    );
  }

  /** Owner-scoped: another user's session id revokes nothing. */
  async revoke(userId: string, id: string, reason: RevokeReason, now: Date): Promise<boolean> {
    const revoked = await this.sql.execute(
      `UPDATE auth_sessions SET revoked_at = $4, revoked_reason = $3
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
      [id, userId, reason, now],
    );
    return revoked > 0;
  }

  /** Every live session of the user but `exceptId` (none: all of them). */
  revokeAll(userId: string, reason: RevokeReason, now: Date, exceptId?: string): Promise<number> {
    return this.sql.execute(
      `UPDATE auth_sessions SET revoked_at = $3, revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4)`,
      [userId, reason, now, exceptId ?? null],
    );
  }
}
