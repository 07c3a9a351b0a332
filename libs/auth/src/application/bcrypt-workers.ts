import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { authSettings, type AuthSettings } from '../auth.settings';

type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };

interface Pending {
  job: Job;
  resolve(value: string | boolean): void;
  reject(error: Error): void;
}

type Answer = { value: string | boolean } | { error: string };

// Inline (eval) source, so the same code runs from dist/ and under ts-jest/swc; bcrypt resolved from here.
const WORKER_SOURCE = `
const bcrypt = require(${JSON.stringify(require.resolve('bcrypt'))});
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
  try {
    const value = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ value });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});`;

/**
 * Jobs handed to a worker before it is free: the next one waits in the worker's own inbox and starts the moment
 * the current one ends. With one job per worker, a worker sat idle after each hash until the main thread (busy
 * with HTTP, PostgreSQL and Redis on the same cores) had read its answer and posted the next job; libuv's pool,
 * which the login bench compares against, has no such gap: its threads take the next job themselves.
 */
const JOBS_PER_WORKER = 2;

/**
 * bcrypt on worker threads of its own, at most `AUTH_HASH_CONCURRENCY` hashes at once (0: the core count), the
 * rest queued in order. bcrypt's async API would run on libuv's 4-thread pool, which DNS lookups and file I/O
 * share: a login flood would then stall every provider call's `dns.lookup`. Here a flood queues logins only.
 * Each worker hashes one job at a time and holds at most JOBS_PER_WORKER (the running one and the next).
 */
@Injectable()
export class BcryptWorkers implements OnApplicationShutdown {
  readonly size: number;
  private readonly idle: Worker[] = [];
  /** The jobs each working worker holds, the running one first (a worker answers in order). */
  private readonly busy = new Map<Worker, Pending[]>();
  private readonly queue: Pending[] = [];
  private started = 0;
  private peak = 0;
  private closed = false;
  private whenIdle?: () => void;

  constructor(@Inject(authSettings.KEY) settings: Pick<AuthSettings, 'AUTH_HASH_CONCURRENCY'>) {
    this.size = settings.AUTH_HASH_CONCURRENCY || availableParallelism();
  }

  hash(password: string, cost: number): Promise<string> {
    return this.submit({ op: 'hash', password, cost }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.submit({ op: 'compare', password, hash }) as Promise<boolean>;
  }

  /** The most hashes that ran at the same time so far (never above `size`). */
  get peakConcurrency(): number {
    return this.peak;
  }

  /**
   * After the servers stopped taking requests: the hashes of requests still in flight finish first (a SIGTERM
   * must not turn a login under way into a 500), then the workers go.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.busy.size > 0 || this.queue.length > 0) {
      await new Promise<void>((resolve) => (this.whenIdle = resolve));
    }
    this.closed = true;
    const workers = [...this.idle];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private submit(job: Job): Promise<string | boolean> {
    if (this.closed) {
      return Promise.reject(new Error('bcrypt workers closed'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.nextWorker();
      if (!worker) {
        return;
      }
      const pending = this.queue.shift() as Pending;
      const held = this.busy.get(worker);
      if (held) {
        held.push(pending);
      } else {
        this.busy.set(worker, [pending]);
        this.peak = Math.max(this.peak, this.busy.size);
        // Held open only while it works: an idle worker must not keep a finished command (create-admin) alive.
        worker.ref();
      }
      worker.postMessage(pending.job);
    }
  }

  /** An idle worker, else a new one while under `size`, else the working one with the fewest jobs, if below the cap. */
  private nextWorker(): Worker | undefined {
    const idle = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
    if (idle) {
      return idle;
    }
    let least: Worker | undefined;
    let fewest = JOBS_PER_WORKER;
    for (const [worker, held] of this.busy) {
      if (held.length < fewest) {
        least = worker;
        fewest = held.length;
      }
    }
    return least;
  }

  /** No node options of the parent's (`--require` preloads, inspectors): a worker only runs bcrypt. */
  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'bcrypt', execArgv: [] });
    this.started += 1;
    worker.on('message', (answer: Answer) => this.settle(worker, answer));
    worker.on('error', (error) => this.lose(worker, error));
    worker.on('exit', () => this.lose(worker, new Error('bcrypt worker exited')));
    return worker;
  }

  private settle(worker: Worker, answer: Answer): void {
    const held = this.busy.get(worker);
    const pending = held?.shift();
    if (held?.length === 0) {
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
    }
    if ('error' in answer) {
      pending?.reject(new Error(answer.error));
    } else {
      pending?.resolve(answer.value);
    }
    this.dispatch();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.whenIdle && this.busy.size === 0 && this.queue.length === 0) {
      this.whenIdle();
      this.whenIdle = undefined;
    }
  }

  /** A worker that died takes only its running job with it: the next one it held goes back to the queue's head. */
  private lose(worker: Worker, error: Error): void {
    const held = this.busy.get(worker);
    const idleAt = this.idle.indexOf(worker);
    if (!held && idleAt < 0) {
      return;
    }
    this.busy.delete(worker);
    if (idleAt >= 0) {
      this.idle.splice(idleAt, 1);
    }
    this.started -= 1;
    const [running, ...waiting] = held ?? [];
    this.queue.unshift(...waiting);
    running?.reject(error);
    void worker.terminate();
    this.dispatch();
    this.notifyIdle();
  }
}
