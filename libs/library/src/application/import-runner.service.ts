import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, ErrorCode, requestContext } from '@app/core';
import { ImportJobRepository, type ImportJobRow } from '../persistence/import-job.repository';
import { PlaylistImportService, type ImportRunOutcome } from './playlist-import.service';

/** How long a replica may go silent on a job before another may take it over (renewed before every page). */
const LEASE_MS = 30_000;
/** How often each replica looks for jobs nobody works on: new ones elsewhere, waits that ended, crashed holders. */
const POLL_MS = 5_000;
/** Jobs one process works on at once; more wait in the table (any replica takes them). */
const RUNNING_MAX = 2;
/** Waits after consecutive failed tries while a provider is down; one more failure after the last fails the job. */
const OUTAGE_BACKOFF_MS = [5_000, 15_000, 60_000, 300_000];
const BUDGET_WAIT_DEFAULT_MS = 10_000;

/**
 * Works on playlist import jobs in the background. Jobs live in PostgreSQL (library_imports): a job started on
 * one replica may run on another, and one left by a replica that stopped (its lease released at shutdown, or
 * expired after a crash) is taken over at the next poll. Provider calls run as the job's owner, so they draw on
 * that user's provider budget; a job over budget waits, it does not fail.
 */
@Injectable()
export class ImportRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ImportRunner.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly working = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private filling = false;
  private refill = false;
  private stopping = false;

  constructor(
    private readonly jobs: ImportJobRepository,
    private readonly imports: PlaylistImportService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  /**
   * Stops taking jobs; jobs in hand finish their current page and are handed back, so the next start (or another
   * replica) resumes them at once. Before shutdown, not on it: the database pool closes on shutdown.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.working]);
  }

  /** Looks for work now (a job was just started here), instead of at the next poll. */
  kick(): void {
    if (this.stopping) {
      return;
    }
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = true;
    void this.fill().finally(() => {
      this.filling = false;
      if (this.refill) {
        this.refill = false;
        this.kick();
      }
    });
  }

  private async fill(): Promise<void> {
    while (!this.stopping && this.working.size < RUNNING_MAX) {
      let job: ImportJobRow | undefined;
      try {
        job = await this.jobs.claim(this.owner, LEASE_MS);
      } catch (error) {
        this.logger.warn(`import jobs could not be claimed: ${(error as Error).message}`);
        return;
      }
      if (!job) {
        return;
      }
      const work: Promise<void> = this.work(job).finally(() => {
        this.working.delete(work);
        this.kick();
      });
      this.working.add(work);
    }
  }

  private async work(job: ImportJobRow): Promise<void> {
    const context = { requestId: `import-${job.id}`, transport: 'job' as const, operation: 'PlaylistImport' };
    await requestContext.run({ ...context, userId: job.user_id }, async () => {
      try {
        const outcome: ImportRunOutcome = await this.imports.run(job, this.owner, LEASE_MS, () => this.stopping);
        if (outcome === 'paused') {
          await this.jobs.release(job.id, this.owner);
        }
      } catch (error) {
        await this.settle(job, error).catch((failure: Error) =>
          this.logger.error(`import ${job.id} could not be updated: ${failure.message}`),
        );
      }
    });
  }

  /** A provider down or the caller's budget spent: try again later. Anything else ends the job as failed. */
  private async settle(job: ImportJobRow, error: unknown): Promise<void> {
    if (error instanceof DomainError && error.code === ErrorCode.RATE_LIMITED) {
      const afterMs = (error.retryAfterSeconds ?? 0) * 1000 || BUDGET_WAIT_DEFAULT_MS;
      await this.jobs.release(job.id, this.owner, { afterMs, code: error.code, message: error.message, failed: false });
      return;
    }
    const outage =
      error instanceof DomainError &&
      (error.code === ErrorCode.UPSTREAM_UNAVAILABLE || error.code === ErrorCode.UPSTREAM_TIMEOUT);
    if (outage && job.attempts < OUTAGE_BACKOFF_MS.length) {
      const afterMs = Math.max(OUTAGE_BACKOFF_MS[job.attempts], (error.retryAfterSeconds ?? 0) * 1000);
      await this.jobs.release(job.id, this.owner, { afterMs, code: error.code, message: error.message, failed: true });
      return;
    }
    if (error instanceof DomainError && error.code !== ErrorCode.INTERNAL) {
      await this.jobs.fail(job.id, this.owner, error.code, error.message);
      return;
    }
    this.logger.error(`import ${job.id} failed: ${(error as Error).stack ?? String(error)}`);
    await this.jobs.fail(job.id, this.owner, ErrorCode.INTERNAL, 'the import stopped on an unexpected error');
  }
}
