import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';

/**
 * Plain SQL on TypeORM's own pg pool: the same connections, settings and shutdown, without the query runner
 * TypeORM builds around every `dataSource.query` (a runner object, subscriber broadcasts, a result wrapper and
 * half a dozen promises each). On a lookup served from PostgreSQL that bookkeeping cost more CPU than the query
 * (bench/README.md). Errors are TypeORM's `QueryFailedError`, as from `dataSource.query`, so callers check
 * `driverError.code` the same way. Not for transactions: those need one connection (`dataSource.transaction`).
 */
@Injectable()
export class SqlClient {
  constructor(private readonly dataSource: DataSource) {}

  /** The rows of one statement (none for a statement without RETURNING). */
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool().query(text, params)).rows as T[];
    } catch (error) {
      // As thrown, like TypeORM's runner does: a wrapper would hide the socket error's `code` (ECONNRESET…), by
      // which an outage is told from a bad query (isDatabaseUnavailable). Not `instanceof`: errors may come
      // from another realm.
      throw new QueryFailedError(text, params, error as Error);
    }
  }

  private pool(): Pool {
    // PostgresDriver keeps its pg Pool as `master` (typed `any` by TypeORM); it exists once the DataSource is
    // initialized, which Nest guarantees before any provider that injects this one runs.
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}
