import pg, { type Pool, type PoolClient, type PoolConfig } from 'pg';
import type { DataSource } from 'typeorm';

/** How long a close waits for PostgreSQL to hang up when the pool has no connect timeout. */
export const CLOSE_WAIT_MS = 5_000;

/**
 * The connections of pg pools whose sockets are still open, from the pools' public 'connect' and 'remove' events
 * ('remove' comes once a connection's socket has closed, whatever removed it: idle timeout, error, closing).
 *
 * pg-pool's end() resolves as soon as it has asked every connection to close, before PostgreSQL has read that and
 * hung up. An embedded server stopped right after then told those connections it was terminating them, and the
 * pool reported each as lost ("connection lost" on Ctrl-C). `closed` is what a close waits for instead.
 */
export class PoolSockets {
  private readonly open = new Set<PoolClient>();
  private emptied?: Promise<void>;
  private empty?: () => void;

  watch(pool: Pool): void {
    pool.on('connect', (client) => this.open.add(client));
    pool.on('remove', (client) => {
      this.open.delete(client);
      if (this.open.size === 0) {
        this.empty?.();
      }
    });
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * pg itself, but with a Pool that this watches: for TypeORM's documented `driver` option, since the pool TypeORM
   * makes is otherwise out of reach without its private fields (which the design forbids reading).
   */
  driver(): typeof pg {
    const watch = (pool: Pool): void => this.watch(pool);
    class WatchedPool extends pg.Pool {
      constructor(config?: PoolConfig) {
        super(config);
        watch(this);
      }
    }
    // Everything else (defaults, types) from pg through the prototype. `native` is hidden: with pg-native
    // installed, TypeORM would take its Pool instead, which nothing here watches.
    return Object.create(pg, {
      Pool: { value: WatchedPool, enumerable: true },
      native: { value: null, enumerable: true },
    }) as typeof pg;
  }

  /**
   * Resolves once every watched socket has closed (call it after the pool's end()), or after `waitMs`: a PostgreSQL
   * that hangs (or a half-open network) never hangs up, and shutdown must go on. Answers how many were left open.
   */
  async closed(waitMs: number): Promise<number> {
    if (this.open.size === 0) {
      return 0;
    }
    // One promise for every caller: a second close must not take the first one's wake-up.
    this.emptied ??= new Promise<void>((resolve) => (this.empty = resolve)).finally(() => {
      this.emptied = undefined;
      this.empty = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.emptied, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return this.open.size;
  }
}

/**
 * Destroys a DataSource made with `sockets.driver()` (if still open: TypeORM's own shutdown hook may have gone
 * first), then waits as `PoolSockets.closed` says. Answers how many connections PostgreSQL had not closed.
 */
export async function closeDataSource(dataSource: DataSource, sockets: PoolSockets, waitMs: number): Promise<number> {
  if (dataSource.isInitialized) {
    await dataSource.destroy();
  }
  return sockets.closed(waitMs);
}
