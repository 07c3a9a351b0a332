import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SqlClient } from '@app/core';
import type { LoginOutcome } from '../domain/login-outcome';
import { LoginAttemptEntity } from './login-attempt.entity';

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
  constructor(
    @InjectRepository(LoginAttemptEntity) private readonly attempts: Repository<LoginAttemptEntity>,
    private readonly sql: SqlClient,
  ) {}

  /** Every login writes one: plain SQL on the pool, as TypeORM's builders and query runner cost more than the insert. */
  async record(attempt: NewLoginAttempt): Promise<void> {
    await this.sql.query(
      `${INSERT_LOGIN_ATTEMPT} VALUES ($1, $2, $3, $4, $5)`,
      [attempt.userId, attempt.at, attempt.ip, attempt.userAgent, attempt.outcome],
      { prepare: true },
    );
  }

  listByUser(userId: string, limit: number, offset: number): Promise<LoginAttemptEntity[]> {
    return this.attempts.find({ where: { userId }, order: { at: 'DESC' }, take: limit, skip: offset });
  }
}
