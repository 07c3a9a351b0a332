import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient, type PoolConfig, type QueryConfig } from 'pg';
import type { DatabaseSettings } from '../config/core.settings';
import { DomainError, ErrorCode } from '../errors/domain-error';
import { isDatabaseUnavailable } from './database-unavailable';
import { CLOSE_WAIT_MS, PoolSockets } from './pool-sockets';

/** What one statement runs on: the pool (one connection per statement) or one transaction's connection. */
export interface SqlSession {
  /** The rows of one statement (none for a statement without RETURNING). */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** How many rows one INSERT, UPDATE or DELETE touched. */
  execute(text: string, params?: unknown[]): Promise<number>;
}

export interface TransactionOptions {
  /**
   * Commit without waiting for PostgreSQL's WAL flush (`SET LOCAL synchronous_commit = off`, this transaction
   * only). For writes that can be fetched again, such as the catalog's copies of provider data: a PostgreSQL
   * crash (not a Chorus one, nor a clean restart) can lose the last fraction of a second of them.
   */
  asyncCommit?: boolean;
}

export interface PoolCounts {
  /** Connections open, idle or checked out. */
  total: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

/** A statement PostgreSQL refused. `code` is the SQLSTATE (23505: unique violation); the text is kept apart. */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly code?: string;
  readonly constraint?: string;

  constructor(
    readonly text: string,
    cause: unknown,
  ) {
    const { message, code, constraint } = (cause ?? {}) as { message?: unknown; code?: unknown; constraint?: unknown };
    super(typeof message === 'string' ? message : 'SQL statement failed', { cause });
    this.code = typeof code === 'string' ? code : undefined;
    this.constraint = typeof constraint === 'string' ? constraint : undefined;
  }
}

export const UNIQUE_VIOLATION = '23505';

/**
 * Every statement runs as a named prepared statement, parsed and planned once per connection (a lookup's row query
 * served ~1.6× as many calls per second prepared). Names are handed out here, one per text; past this many
 * distinct texts, texts are being built per call, and those run unnamed so they cannot fill every connection.
 */
const MAX_PREPARED = 200;

const BEGIN = 'BEGIN';
// One round trip for both: the simple protocol runs the two statements in one message.
const BEGIN_ASYNC_COMMIT = 'BEGIN; SET LOCAL synchronous_commit = off';

/** The pool's settings, from the same DB_* settings TypeORM's connection uses. */
export function sqlPoolConfig(url: string, settings: DatabaseSettings): PoolConfig {
  return {
    connectionString: url,
    max: settings.DB_POOL_SIZE,
    connectionTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
    statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS || undefined,
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'chorus',
  };
}

/**
 * The one way repositories reach PostgreSQL: plain SQL on a pg pool that Chorus owns (TypeORM keeps the
 * DataSource for migrations and the readiness ping, on a small pool of its own). docs/data-layer.md says why.
 * A statement PostgreSQL refuses throws SqlError; PostgreSQL out of reach throws DomainError UPSTREAM_UNAVAILABLE
 * with a Retry-After, so callers never tell outages from bugs themselves.
 */
export class SqlClient implements SqlSession, OnApplicationShutdown {
  private readonly logger = new Logger(SqlClient.name);
  private readonly pool: Pool;
  /** Statement names by text: pg refuses one name for two texts, so names are handed out here, never by callers. */
  private readonly names = new Map<string, string>();
  private closing?: Promise<void>;
  /** Connections whose socket is still open; a close waits until PostgreSQL has closed each (see `close`). */
  private readonly sockets = new PoolSockets();

  constructor(
    private readonly config: PoolConfig,
    /** The Retry-After of the UNAVAILABLE answered while PostgreSQL cannot be reached (DB_RETRY_AFTER_SECONDS). */
    private readonly retryAfterSeconds = 5,
  ) {
    this.pool = new Pool(config);
    // An idle connection dropped by the server (restart, failover) must not take the process down; the next
    // checkout opens a new one.
    this.pool.on('error', (error) =>
      this.logger.warn({ msg: 'idle PostgreSQL connection lost', error: error.message }),
    );
    this.sockets.watch(this.pool);
  }

  query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.run<T>(this.pool, text, params).then((result) => result.rows);
  }

  execute(text: string, params: unknown[] = []): Promise<number> {
    return this.run(this.pool, text, params).then((result) => result.rowCount);
  }

  /**
   * `work` on one connection between BEGIN and COMMIT; any error rolls it back and is rethrown. A connection whose
   * ROLLBACK failed is discarded rather than returned to the pool.
   */
  async transaction<T>(work: (tx: SqlSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await this.unnamed(client, options.asyncCommit ? BEGIN_ASYNC_COMMIT : BEGIN);
      const result = await work({
        query: <R>(text: string, params: unknown[] = []) => this.run<R>(client, text, params).then((r) => r.rows),
        execute: (text, params = []) => this.run(client, text, params).then((r) => r.rowCount),
      });
      await this.unnamed(client, 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * `work` on one pooled connection, outside any transaction, for what belongs to a connection rather than a
   * statement (a session-level advisory lock). A connection whose work threw is discarded rather than returned,
   * so nothing it still held (such a lock) outlives the call.
   */
  async withConnection<T>(work: (connection: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await work({
        query: <R>(text: string, params: unknown[] = []) => this.run<R>(client, text, params).then((r) => r.rows),
        execute: (text, params = []) => this.run(client, text, params).then((r) => r.rowCount),
      });
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  poolCounts(): PoolCounts {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  /** Closes the pool once, however many callers ask (Nest's hook and DatabaseShutdown). */
  onApplicationShutdown(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  /**
   * Resolves only once every socket has closed (pg-pool's end() resolves before PostgreSQL has hung up; PoolSockets
   * says why that matters), or after the connect timeout: shutdown then goes on to stop an embedded server, whose
   * stop ends those connections.
   */
  private async close(): Promise<void> {
    if (!this.pool.ended) {
      await this.pool.end();
    }
    const waitMs = this.config.connectionTimeoutMillis || CLOSE_WAIT_MS;
    const left = await this.sockets.closed(waitMs);
    if (left > 0) {
      this.logger.warn({
        msg: `PostgreSQL had not closed ${left} pool connection(s) ${waitMs} ms after the pool ended; shutdown goes on without them`,
      });
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw this.failure(BEGIN, error);
    }
  }

  private async unnamed(client: PoolClient, text: string): Promise<void> {
    try {
      await client.query(text);
    } catch (error) {
      throw this.failure(text, error);
    }
  }

  private async run<T>(
    target: Pool | PoolClient,
    text: string,
    params: unknown[],
  ): Promise<{ rows: T[]; rowCount: number }> {
    const name = this.nameOf(text);
    const config: QueryConfig = name === undefined ? { text, values: params } : { name, text, values: params };
    try {
      const result = await target.query(config);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw this.failure(text, error);
    }
  }

  private failure(text: string, error: unknown): Error {
    if (isDatabaseUnavailable(error)) {
      return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The database is unavailable; retry shortly', {
        retryAfterSeconds: this.retryAfterSeconds,
        cause: error,
      });
    }
    return new SqlError(text, error);
  }

  private nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= MAX_PREPARED) {
      return known;
    }
    const name = `chorus_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }
}
