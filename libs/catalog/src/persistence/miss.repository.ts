import { Injectable } from '@nestjs/common';
import { batchDeleteStatement, SqlClient } from '@app/core';

const PURGE_EXPIRED = batchDeleteStatement('catalog_misses', 'expires_at <= $2');

/** Remembered "not found" answers, so an unknown id does not reach the provider on every request. */
@Injectable()
export class MissRepository {
  constructor(private readonly sql: SqlClient) {}

  async isMissing(key: string): Promise<boolean> {
    const rows = await this.sql.query<unknown>(`SELECT 1 FROM catalog_misses WHERE key = $1 AND expires_at > now()`, [
      key,
    ]);
    return rows.length > 0;
  }

  async record(key: string, expiresAt: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO catalog_misses (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at, fetched_at = now()`,
      [key, expiresAt],
    );
  }

  /** Deletes at most `limit` misses past their expiry, which no lookup reads any more (retention). */
  purgeExpired(now: Date, limit: number): Promise<number> {
    return this.sql.execute(PURGE_EXPIRED, [limit, now]);
  }

  /**
   * Deletes every remembered miss whose key starts with `prefix` (admin purge of what is kept per page) and
   * returns their keys. A purge is rare: a scan of the table is acceptable where a LIKE would need escaping.
   */
  async forgetUnder(prefix: string): Promise<string[]> {
    const rows = await this.sql.query<{ key: string }>(
      `DELETE FROM catalog_misses WHERE starts_with(key, $1) RETURNING key`,
      [prefix],
    );
    return rows.map((row) => row.key);
  }

  async forget(key: string): Promise<void> {
    await this.sql.query(`DELETE FROM catalog_misses WHERE key = $1`, [key]);
  }
}
