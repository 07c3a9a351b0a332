import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, ErrorCode, toValidationError, type Caller } from '@app/core';
import { AuthCrypto } from './auth-crypto';
import { RegisterDto } from '../transport/auth.dto';
import type { Role } from '../domain/role';
import { toUserView, type UserView } from '../domain/views';
import { EmailTakenError, UserRepository } from '../persistence/user.repository';
import { DEFAULT_PAGE } from './account.service';

/**
 * Admin-only operations. An account becomes admin only by intent: an operator's `npm run user:create-admin`, or
 * an admin's call; every role change is logged as an audit line naming who made it.
 */
@Injectable()
export class UserAdminService {
  private readonly logger = new Logger(UserAdminService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly crypto: AuthCrypto,
  ) {}

  async list(limit?: number, offset?: number): Promise<{ users: UserView[]; total: number }> {
    const page = await this.users.list(limit || DEFAULT_PAGE, offset ?? 0);
    return { users: page.users.map(toUserView), total: page.total };
  }

  async findByEmail(email: string): Promise<UserView | null> {
    const user = await this.users.findByEmail(email.trim());
    return user ? toUserView(user) : null;
  }

  /** For `npm run user:create-admin`: a new admin account; the same email and password rules as registration. */
  async createAdmin(email: string, password: string): Promise<UserView> {
    const input = plainToInstance(RegisterDto, { email, password });
    const errors = validateSync(input, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
    if (errors.length > 0) {
      throw toValidationError(errors);
    }
    try {
      const user = await this.users.create(input.email, await this.crypto.hashPassword(input.password), 'admin');
      this.audit('create-admin', user.id, 'admin');
      return toUserView(user);
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, 'An account with this email already exists', {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** For `npm run user:create-admin --promote-existing`: the role changes, the password stays as it is. */
  async promoteExisting(userId: string): Promise<void> {
    await this.users.setRole(userId, 'admin');
    this.audit('create-admin --promote-existing', userId, 'admin');
  }

  /**
   * An admin's promotion or demotion of another account. Its own role is refused, so the last admin cannot lock
   * everyone out by mistake; the change applies to the account's next call, as the guard reads roles from it.
   */
  async setRole(caller: Caller, userId: string, role: Role): Promise<UserView> {
    if (userId === caller.id) {
      throw DomainError.invalid('id', 'must not be your own account; another admin changes your role');
    }
    const user = await this.users.findById(userId);
    if (!user) {
      throw DomainError.notFound('No such user');
    }
    if (user.role !== role) {
      await this.users.setRole(userId, role);
      this.audit(`admin ${caller.id}`, userId, role, user.role);
    }
    return toUserView({ ...user, role });
  }

  private audit(by: string, userId: string, role: Role, was?: string): void {
    this.logger.log(`audit: role of user ${userId} set to ${role}${was ? ` (was ${was})` : ''} by ${by}`);
  }
}
