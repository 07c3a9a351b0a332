import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Not, type Repository } from 'typeorm';
import { SqlClient } from '@app/core';
import type { Role } from '../domain/role';
import { INSERT_LOGIN_ATTEMPT } from './login-attempt.repository';
import { SessionEntity } from './session.entity';

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

export interface ActiveCaller {
  userId: string;
  role: Role;
}

/** The login record of a session opened by a login, with the session's own parameters. */
const LOGIN_RECORD_CTE = `WITH login AS (${INSERT_LOGIN_ATTEMPT} VALUES ($2, $6, $5, $4, 'success'))`;

@Injectable()
export class SessionRepository {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly sql: SqlClient,
  ) {}

  /**
   * Every login opens one: plain SQL on the pool, as TypeORM's builders and query runner cost more CPU than the
   * insert. A login's session and its `success` record in auth_login_attempts are one statement: written together
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
    await this.sql.query(
      `${recordLogin ? LOGIN_RECORD_CTE : ''}
       INSERT INTO auth_sessions (id, user_id, refresh_hash, user_agent, ip, created_at, last_used_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      values,
      { prepare: true },
    );
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  /**
   * Compare-and-swap rotation: only the holder of the current hash of a live session moves it forward, so of two
   * racing refreshes with the same token exactly one wins.
   */
  async rotate(id: string, oldHash: string, newHash: string, now: Date): Promise<boolean> {
    const result = await this.sessions.update(
      { id, refreshHash: oldHash, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { refreshHash: newHash, lastUsedAt: now },
    );
    return (result.affected ?? 0) === 1;
  }

  /**
   * The guard's check, on every authenticated call: the session is live and its user still exists (one
   * primary-key lookup). Plain SQL on the pool: TypeORM's builders and query runner cost more than the query.
   */
  async findActiveCaller(sessionId: string, userId: string, now: Date): Promise<ActiveCaller | null> {
    const rows = await this.sql.query<ActiveCaller>(
      `SELECT u.id AS "userId", u.role AS "role" FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3`,
      [sessionId, userId, now],
      { prepare: true },
    );
    return rows[0] ?? null;
  }

  listActive(userId: string, now: Date): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
    });
  }

  listAll(userId: string): Promise<SessionEntity[]> {
    return this.sessions.find({ where: { userId }, order: { createdAt: 'DESC' } });
  }

  /** Owner-scoped: another user's session id revokes nothing. */
  async revoke(userId: string, id: string, reason: RevokeReason, now: Date): Promise<boolean> {
    const result = await this.sessions.update(
      { id, userId, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    return (result.affected ?? 0) > 0;
  }

  async revokeAll(userId: string, reason: RevokeReason, now: Date, exceptId?: string): Promise<number> {
    const result = await this.sessions.update(
      { userId, revokedAt: IsNull(), ...(exceptId ? { id: Not(exceptId) } : {}) },
      { revokedAt: now, revokedReason: reason },
    );
    return result.affected ?? 0;
  }
}
