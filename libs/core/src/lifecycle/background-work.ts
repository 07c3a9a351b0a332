import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { appSettings, databaseSettings, type AppSettings, type DatabaseSettings } from '../config/core.settings';
import { Clock } from '../time/clock';

/**
 * Work a request starts but does not wait for: today the catalog's refresh of a stale row, answered at once and
 * fetched again behind the caller's back. Such work still needs the PostgreSQL pools, Redis and the provider
 * transport after the last request has finished, so shutdown must not close them under it.
 *
 * When the app starts closing (SIGTERM, after SHUTDOWN_DRAIN_DELAY_MS) no new work starts, and whatever closes first
 * of those resources awaits `settled()`: the work in flight, bounded so that the pools still have their own close
 * bound (DB_CONNECT_TIMEOUT_MS) left inside SHUTDOWN_TIMEOUT_MS. Work still running at that bound is abandoned with
 * one warning that says how much.
 */
@Injectable()
export class BackgroundWork implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  /** Each running work's promise, settled without rejecting, so waiting for them never throws. */
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private deadlineMs = 0;
  private settling?: Promise<void>;

  constructor(
    @Inject(appSettings.KEY) private readonly app: AppSettings,
    @Inject(databaseSettings.KEY) private readonly database: DatabaseSettings,
    private readonly clock: Clock,
  ) {}

  /** How many are running now. */
  get size(): number {
    return this.running.size;
  }

  /**
   * Starts `work` and returns its promise for the caller to handle, or undefined without starting it once shutdown
   * has begun (the caller then skips it: a stale answer is refreshed by the next replica that serves it).
   */
  track<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.stopping) {
      return undefined;
    }
    // Started now; a throw before its first await becomes a rejection like any other.
    const promise = new Promise<T>((resolve) => resolve(work()));
    const forget = (): void => {
      this.running.delete(done);
    };
    const done: Promise<void> = promise.then(forget, forget);
    this.running.add(done);
    return promise;
  }

  /** Nest's first step of app.close(): no new work from here on, and the clock of the wait starts. */
  onModuleDestroy(): void {
    this.stop();
  }

  /**
   * Resolves once the work in flight has finished, or at the bound; the same promise for every caller, so each of
   * the resources it needs can await it before closing, in whatever order Nest closes them.
   */
  settled(): Promise<void> {
    this.stop();
    this.settling ??= this.waitForRunning();
    return this.settling;
  }

  private stop(): void {
    if (this.stopping) {
      return;
    }
    this.stopping = true;
    const budgetMs = Math.max(0, this.app.SHUTDOWN_TIMEOUT_MS - this.database.DB_CONNECT_TIMEOUT_MS);
    this.deadlineMs = this.clock.nowMs() + budgetMs;
  }

  private async waitForRunning(): Promise<void> {
    if (this.running.size === 0) {
      return;
    }
    const waitMs = Math.max(0, this.deadlineMs - this.clock.nowMs());
    this.logger.log(`${this.running.size} background refresh(es) still running; waiting up to ${waitMs} ms for them`);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), waitMs)));
    const late = await Promise.race([Promise.all([...this.running]).then(() => false), gaveUp]);
    clearTimeout(timer);
    if (late) {
      this.logger.warn(
        `abandoned ${this.running.size} background refresh(es) still running at the shutdown bound ` +
          `(SHUTDOWN_TIMEOUT_MS - DB_CONNECT_TIMEOUT_MS); the pools close now`,
      );
    }
  }
}
