import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter } from 'prom-client';
import { SqlClient, type SqlSession } from '../database/sql.client';
import { MetricsService } from '../metrics/metrics.service';
import { RETENTION_BATCH_ROWS, RetentionRegistry, type RetentionCleaner } from './retention.registry';

/** Rounds run hourly; the first shortly after boot, so a fleet that restarts often still cleans up. */
export const RETENTION_INTERVAL_MS = 3_600_000;
export const RETENTION_FIRST_DELAY_MS = 60_000;
/** The advisory lock that elects the one replica running a round ("chor" in ASCII). */
export const RETENTION_LOCK_KEY = 0x63686f72;
export const RETENTION_METRIC = 'chorus_retention_deleted_rows_total';

/** What one call of `runOnce` did: `ran` is false when another process (or round) held the lock. */
export interface RetentionRound {
  ran: boolean;
  /** Rows deleted, by table (empty when the round did not run). */
  deleted: Record<string, number>;
}

/**
 * Runs every registered cleaner on a timer. Of all the replicas on one database exactly one runs a given round:
 * it holds a session-level advisory lock on one pooled connection for the round, while the deletes themselves
 * run as short autocommit statements on the pool (no transaction spans the round, so no row lock is held long).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private readonly deletedRows: Counter<string>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionRound>;
  private stopping = false;

  constructor(
    private readonly registry: RetentionRegistry,
    private readonly sql: SqlClient,
    @Optional() metrics?: MetricsService,
  ) {
    this.deletedRows = new Counter({
      name: RETENTION_METRIC,
      help: 'Rows the scheduled retention cleanup deleted, by table.',
      labelNames: ['table'],
      registers: metrics ? [metrics.registry] : [],
    });
  }

  onApplicationBootstrap(): void {
    // Every lib has registered by now (onModuleInit): export each table's counter from 0.
    for (const cleaner of this.registry.all()) {
      this.deletedRows.labels(cleaner.table).inc(0);
    }
    this.schedule(RETENTION_FIRST_DELAY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round now, if this process wins the lock; the scheduled rounds call it too. */
  runOnce(): Promise<RetentionRound> {
    const round = this.sql.withConnection((connection) => this.lockedRound(connection));
    this.running = round;
    return round;
  }

  private async lockedRound(connection: SqlSession): Promise<RetentionRound> {
    const [lock] = await connection.query<{ won: boolean }>('SELECT pg_try_advisory_lock($1) AS won', [
      RETENTION_LOCK_KEY,
    ]);
    if (!lock?.won) {
      return { ran: false, deleted: {} };
    }
    const deleted: Record<string, number> = {};
    for (const cleaner of this.registry.all()) {
      deleted[cleaner.table] = await this.purge(cleaner);
    }
    // Should the unlock fail, withConnection discards the connection, which ends the lock with it.
    await connection.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
    return { ran: true, deleted };
  }

  private async purge(cleaner: RetentionCleaner): Promise<number> {
    let total = 0;
    let batch = RETENTION_BATCH_ROWS;
    while (batch === RETENTION_BATCH_ROWS && !this.stopping) {
      batch = await cleaner.purgeBatch(RETENTION_BATCH_ROWS);
      total += batch;
      this.deletedRows.labels(cleaner.table).inc(batch);
    }
    return total;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) {
      return;
    }
    this.timer = setTimeout(() => void this.scheduledRound(), delayMs);
    // A pending round never keeps the process alive.
    this.timer.unref();
  }

  private async scheduledRound(): Promise<void> {
    try {
      const round = await this.runOnce();
      if (round.ran) {
        this.logger.log({ msg: 'retention round', deleted: round.deleted });
      }
    } catch (error) {
      this.logger.warn({ msg: 'retention round failed', error: error instanceof Error ? error.message : error });
    } finally {
      this.schedule(RETENTION_INTERVAL_MS);
    }
  }
}
