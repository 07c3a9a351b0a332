import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';

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

  async forget(key: string): Promise<void> {
    await this.sql.query(`DELETE FROM catalog_misses WHERE key = $1`, [key]);
  }
}
