import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { toValidationError } from '@app/core';
import { authSettings, type AuthSettings } from '../auth.settings';
import { AuthCrypto } from './auth-crypto';
import { RegisterDto } from '../transport/auth.dto';
import { toUserView, type UserView } from '../domain/views';
import { UserRepository } from '../persistence/user.repository';
import { DEFAULT_PAGE } from './account.service';

/** Admin-only operations, and the AUTH_ADMIN_EMAILS promotion at boot. */
@Injectable()
export class UserAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UserAdminService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly crypto: AuthCrypto,
    @Inject(authSettings.KEY) private readonly settings: AuthSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const emails = this.settings.AUTH_ADMIN_EMAILS.split(',')
      .map((email) => email.trim().toLowerCase())
      .filter((email) => email.length > 0);
    if (emails.length === 0) {
      return;
    }
    try {
      const promoted = await this.users.promoteByEmails(emails);
      this.logger.log(`AUTH_ADMIN_EMAILS: ${promoted} account(s) promoted to admin`);
    } catch (error) {
      this.logger.warn(`AUTH_ADMIN_EMAILS not applied: ${(error as Error).message}`);
    }
  }

  async list(limit?: number, offset?: number): Promise<{ users: UserView[]; total: number }> {
    const page = await this.users.list(limit || DEFAULT_PAGE, offset ?? 0);
    return { users: page.users.map(toUserView), total: page.total };
  }

  /**
   * For `npm run user:create-admin`: creates an admin account, or promotes the existing account with that email
   * (its password is left as it is). The same email and password rules as registration apply.
   */
  async createAdmin(email: string, password: string): Promise<{ user: UserView; created: boolean }> {
    const input = plainToInstance(RegisterDto, { email, password });
    const errors = validateSync(input, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
    if (errors.length > 0) {
      throw toValidationError(errors);
    }
    const existing = await this.users.findByEmail(input.email);
    if (existing) {
      await this.users.setRole(existing.id, 'admin');
      return { user: toUserView({ ...existing, role: 'admin' }), created: false };
    }
    const user = await this.users.create(input.email, await this.crypto.hashPassword(input.password), 'admin');
    return { user: toUserView(user), created: true };
  }
}
