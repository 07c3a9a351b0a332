import { Injectable } from '@nestjs/common';

/** Rows one cleanup statement deletes at most: short statements, so no lock is held for long. */
export const RETENTION_BATCH_ROWS = 1_000;

/**
 * What a lib contributes to the scheduled cleanup: one table's rows past retention, deleted a batch at a time.
 * `purgeBatch` deletes at most `limit` rows in one statement and says how many went; fewer than `limit` ends the
 * table's round.
 */
export interface RetentionCleaner {
  /** The table it deletes from (the `table` label of the retention metric). */
  readonly table: string;
  purgeBatch(limit: number): Promise<number>;
}

/**
 * One short DELETE of at most `$1` rows matching `expired` (whose own parameters start at `$2`). The rows are
 * picked by ctid, so the delete is a TID scan of rows just read; a row updated meanwhile (say a refreshed miss)
 * no longer has that ctid and is left alone.
 */
export function batchDeleteStatement(table: string, expired: string): string {
  return `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${expired} LIMIT $1))`;
}

/** Libs register here (typically in `onModuleInit`); RetentionService runs them all. */
@Injectable()
export class RetentionRegistry {
  private readonly cleaners = new Map<string, RetentionCleaner>();

  register(cleaner: RetentionCleaner): void {
    if (this.cleaners.has(cleaner.table)) {
      throw new Error(`a retention cleaner for "${cleaner.table}" is already registered`);
    }
    this.cleaners.set(cleaner.table, cleaner);
  }

  all(): RetentionCleaner[] {
    return [...this.cleaners.values()];
  }
}
