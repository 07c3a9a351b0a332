import { Injectable } from '@nestjs/common';
import { SqlClient, type SqlSession } from '@app/core';
import type { Role } from '../domain/role';
import type { UserEntity } from './user.entity';
import { isUniqueViolation } from './unique-violation';

export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
}

const BY_EMAIL_COLUMNS = `id, email, password_hash AS "passwordHash", role, created_at AS "createdAt"`;
const COLUMNS = `${BY_EMAIL_COLUMNS}, updated_at AS "updatedAt"`;

export type UserByEmail = Omit<UserEntity, 'updatedAt'>;

@Injectable()
export class UserRepository {
  constructor(private readonly sql: SqlClient) {}

  /** One account per email is the unique index's job, so concurrent registrations cannot both win. */
  async create(email: string, passwordHash: string, role: Role = 'user'): Promise<UserEntity> {
    try {
      const rows = await this.sql.query<UserEntity>(
        `INSERT INTO auth_users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [email, passwordHash, role],
      );
      return rows[0];
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EmailTakenError(email, { cause: error });
      }
      throw error;
    }
  }

  /** Without `updatedAt`, which neither a login nor the admin's lookup uses: one timestamp less to parse per login. */
  async findByEmail(email: string): Promise<UserByEmail | null> {
    const rows = await this.sql.query<UserByEmail>(
      `SELECT ${BY_EMAIL_COLUMNS} FROM auth_users WHERE lower(email) = lower($1) LIMIT 1`,
      [email],
    );
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<UserEntity | null> {
    const rows = await this.sql.query<UserEntity>(`SELECT ${COLUMNS} FROM auth_users WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.sql.execute(`UPDATE auth_users SET password_hash = $2, updated_at = now() WHERE id = $1`, [
      id,
      passwordHash,
    ]);
  }

  async setRole(id: string, role: Role): Promise<void> {
    await this.sql.execute(`UPDATE auth_users SET role = $2, updated_at = now() WHERE id = $1`, [id, role]);
  }

  /**
   * Deletes the account in one transaction: `before` first (other libs' rows), then the user row (sessions and
   * login attempts go with it, ON DELETE CASCADE).
   */
  async deleteById(id: string, before?: (tx: SqlSession) => Promise<void>): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await before?.(tx);
      return (await tx.execute(`DELETE FROM auth_users WHERE id = $1`, [id])) > 0;
    });
  }

  async list(limit: number, offset: number): Promise<{ users: UserEntity[]; total: number }> {
    const users = await this.sql.query<UserEntity>(
      `SELECT ${COLUMNS} FROM auth_users ORDER BY created_at, id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    const counted = await this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM auth_users`);
    return { users, total: Number(counted[0].n) };
  }
}
