import { Inject, Injectable } from '@nestjs/common';
import type { Pool, QueryConfig } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { databaseSettings, type DatabaseSettings } from '../config/core.settings';

export interface SqlOptions {
  /**
   * Run as a named prepared statement: PostgreSQL parses and plans it once per connection instead of on every
   * call (a lookup's row query served ~1.6× as many calls per second prepared). Only for fixed statement texts:
   * each distinct text holds a statement on every pooled connection.
   */
  prepare?: boolean;
}

/** More distinct prepared texts than any caller has means texts are being built per call: run those unnamed. */
const MAX_PREPARED = 200;

/**
 * Plain SQL on TypeORM's own pg pool: the same connections, settings and shutdown, without the query runner
 * TypeORM builds around every `dataSource.query` (a runner object, subscriber broadcasts, a result wrapper and
 * half a dozen promises each). On a lookup served from PostgreSQL that bookkeeping cost more CPU than the query
 * (bench/README.md). Errors are TypeORM's `QueryFailedError`, as from `dataSource.query`, so callers check
 * `driverError.code` the same way. Not for transactions: those need one connection (`dataSource.transaction`).
 */
@Injectable()
export class SqlClient {
  /** Statement names by text: pg refuses one name for two texts, so names are handed out here, never by callers. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseSettings.KEY) private readonly settings: DatabaseSettings,
  ) {}

  /** The rows of one statement (none for a statement without RETURNING). */
  async query<T>(text: string, params: unknown[] = [], options?: SqlOptions): Promise<T[]> {
    const name = options?.prepare ? this.nameOf(text) : undefined;
    const config: QueryConfig = name === undefined ? { text, values: params } : { name, text, values: params };
    try {
      return (await this.pool().query(config)).rows as T[];
    } catch (error) {
      // As thrown, like TypeORM's runner does: a wrapper would hide the socket error's `code` (ECONNRESET…), by
      // which an outage is told from a bad query (isDatabaseUnavailable). Not `instanceof`: errors may come
      // from another realm.
      throw new QueryFailedError(text, params, error as Error);
    }
  }

  private nameOf(text: string): string | undefined {
    if (!this.settings.DB_PREPARED_STATEMENTS) {
      return undefined;
    }
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= MAX_PREPARED) {
      return known;
    }
    const name = `chorus_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }

  private pool(): Pool {
    // PostgresDriver keeps its pg Pool as `master` (typed `any` by TypeORM); it exists once the DataSource is
    // initialized, which Nest guarantees before any provider that injects this one runs.
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}
