import { Injectable } from '@nestjs/common';
import type { SqlSession } from '@app/core';

/**
 * What another lib contributes to an account's lifecycle. `exportData` adds one section (under `section`) to
 * the user's export; `deleteData` removes the lib's rows inside the account deletion's transaction (rows with a
 * foreign key to auth_users ON DELETE CASCADE need no code here, but still belong in the export).
 */
export interface AccountDataContributor {
  readonly section: string;
  exportData(userId: string): Promise<unknown>;
  deleteData?(userId: string, tx: SqlSession): Promise<void>;
}

/** Other libs register here (typically in `onModuleInit`) so export and delete cover their data too. */
@Injectable()
export class AccountDataRegistry {
  private readonly contributors = new Map<string, AccountDataContributor>();

  register(contributor: AccountDataContributor): void {
    if (this.contributors.has(contributor.section) || RESERVED.has(contributor.section)) {
      throw new Error(`account data section "${contributor.section}" is already taken`);
    }
    this.contributors.set(contributor.section, contributor);
  }

  all(): AccountDataContributor[] {
    return [...this.contributors.values()];
  }
}

/** Sections the auth lib writes itself. */
const RESERVED = new Set(['format', 'exportedAt', 'user', 'sessions', 'loginAttempts']);
