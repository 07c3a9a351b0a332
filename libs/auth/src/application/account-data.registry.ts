import { Injectable } from '@nestjs/common';
import type { SqlSession } from '@app/core';

/** Rows a contributor reads per statement for the export (keyset pages: see `keysetRows` in @app/core). */
export const EXPORT_BATCH_ROWS = 500;

/**
 * What another lib contributes to an account's lifecycle. `exportRows` yields the items of one array section
 * (under `section`) of the user's export, read from the database in pages of at most EXPORT_BATCH_ROWS rows, so
 * the export streams in constant memory; an item may hold an AsyncIterable itself (written as an array as it is
 * read). `deleteData` removes the lib's rows inside the account deletion's transaction (rows with a foreign key to
 * auth_users ON DELETE CASCADE need no code here, but still belong in the export).
 */
export interface AccountDataContributor {
  readonly section: string;
  exportRows(userId: string): AsyncIterable<unknown>;
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
