import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { SqlClient } from '@app/core';
import type { Role } from '../domain/role';
import { UserEntity } from './user.entity';
import { isUniqueViolation } from './unique-violation';

export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
}

@Injectable()
export class UserRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly sql: SqlClient,
  ) {}

  /** One account per email is the unique index's job, so concurrent registrations cannot both win. */
  async create(email: string, passwordHash: string, role: Role = 'user'): Promise<UserEntity> {
    try {
      return await this.users.save(this.users.create({ email, passwordHash, role }));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EmailTakenError(email, { cause: error });
      }
      throw error;
    }
  }

  /** Every login asks this: plain SQL on the pool, as TypeORM's builders and query runner cost more than the query. */
  async findByEmail(email: string): Promise<UserEntity | null> {
    const rows = await this.sql.query<UserEntity>(
      `SELECT id, email, password_hash AS "passwordHash", role, created_at AS "createdAt", updated_at AS "updatedAt"
         FROM auth_users WHERE lower(email) = lower($1) LIMIT 1`,
      [email],
      { prepare: true },
    );
    return rows.length > 0 ? Object.assign(new UserEntity(), rows[0]) : null;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  async setRole(id: string, role: Role): Promise<void> {
    await this.users.update({ id }, { role });
  }

  /** Promotes the existing accounts among `emails`; returns how many changed. */
  async promoteByEmails(emails: string[]): Promise<number> {
    if (emails.length === 0) {
      return 0;
    }
    const result = await this.users.update({ email: In(emails), role: 'user' }, { role: 'admin' });
    return result.affected ?? 0;
  }

  /** Sessions and login attempts go with the row (ON DELETE CASCADE). */
  async deleteById(id: string, manager?: EntityManager): Promise<boolean> {
    const repository = manager ? manager.getRepository(UserEntity) : this.users;
    const result = await repository.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async list(limit: number, offset: number): Promise<{ users: UserEntity[]; total: number }> {
    const [users, total] = await this.users.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { users, total };
  }
}
