import { Injectable } from '@nestjs/common';
import { batchDeleteStatement, SqlClient } from '@app/core';
import { toStored, type Stored, type StoredRow } from './stored';

/** A provider's page of a search (an artist's albums are read as one). */
export interface StoredSearch<T> {
  items: T[];
  total: number;
}

/** What a kept answer is about: purges find it by type and query. */
export interface SearchScope {
  type: string;
  query: string;
  provider: string;
}

const PURGE_EXPIRED = batchDeleteStatement('catalog_searches', 'expires_at < $2');

/** Kept search answers: one row per question (type, normalized query, providers asked), its whole merged list. */
@Injectable()
export class SearchRepository {
  constructor(private readonly sql: SqlClient) {}

  async find<T>(key: string): Promise<Stored<T> | undefined> {
    const rows = await this.sql.query<StoredRow>(`SELECT data, expires_at FROM catalog_searches WHERE key = $1`, [key]);
    return toStored<T>(rows[0]);
  }

  async save<T extends { items: Array<{ id: string }> }>(
    key: string,
    scope: SearchScope,
    answer: T,
    expiresAt: Date,
  ): Promise<void> {
    await this.upsert(
      key,
      scope,
      answer.items.map((i) => i.id),
      answer,
      expiresAt,
    );
  }

  /** Keeps one answer that is not a list (a platform playlist's head) under its key, beside the lists. */
  async saveOne<T extends { id: string }>(key: string, scope: SearchScope, answer: T, expiresAt: Date): Promise<void> {
    await this.upsert(key, scope, [answer.id], answer, expiresAt);
  }

  private async upsert(
    key: string,
    scope: SearchScope,
    resultIds: string[],
    answer: unknown,
    expiresAt: Date,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO catalog_searches (key, type, query, provider, result_ids, data, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key) DO UPDATE SET result_ids = EXCLUDED.result_ids, data = EXCLUDED.data,
         expires_at = EXCLUDED.expires_at, fetched_at = now()`,
      [key, scope.type, scope.query, scope.provider, resultIds, JSON.stringify(answer), expiresAt],
    );
  }

  /** Deletes at most `limit` kept searches that expired before `cutoff` (retention); returns how many went. */
  purgeExpiredBefore(cutoff: Date, limit: number): Promise<number> {
    return this.sql.execute(PURGE_EXPIRED, [limit, cutoff]);
  }

  /** Removes every kept page of one search; returns the keys, so the caches can forget them too. */
  async deleteQuery(type: string, query: string): Promise<string[]> {
    const rows = await this.sql.query<{ key: string }>(
      `WITH gone AS (DELETE FROM catalog_searches WHERE type = $1 AND query = $2 RETURNING key) SELECT key FROM gone`,
      [type, query],
    );
    return rows.map((r) => r.key);
  }
}
