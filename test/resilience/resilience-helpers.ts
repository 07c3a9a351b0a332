import { queryDatabase } from '../support/database';

export { eventually } from '../support/eventually';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Keeps `concurrency` calls of `call` in flight until `stop()`; collects each call's duration and result. */
export class LoadLoop<R> {
  readonly results: Array<{ ms: number; result: R; at: number }> = [];
  private running = true;
  private readonly workers: Array<Promise<void>>;

  constructor(call: (n: number) => Promise<R>, concurrency: number) {
    let n = 0;
    this.workers = Array.from({ length: concurrency }, async () => {
      while (this.running) {
        const started = performance.now();
        const result = await call(n++);
        this.results.push({ ms: performance.now() - started, result, at: Date.now() });
      }
    });
  }

  async stop(): Promise<Array<{ ms: number; result: R; at: number }>> {
    this.running = false;
    await Promise.all(this.workers);
    return this.results;
  }
}

/** Catalog rows that a fetched answer writes, to check that rejected or interrupted work stored nothing. */
export async function catalogCounts(url: string): Promise<Record<string, number>> {
  const rows = await queryDatabase<{ table: string; n: string }>(
    url,
    `SELECT 'artists' AS table, count(*) AS n FROM catalog_artists UNION ALL
     SELECT 'albums', count(*) FROM catalog_albums UNION ALL
     SELECT 'releases', count(*) FROM catalog_releases UNION ALL
     SELECT 'tracks', count(*) FROM catalog_tracks UNION ALL
     SELECT 'searches', count(*) FROM catalog_searches UNION ALL
     SELECT 'misses', count(*) FROM catalog_misses`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.n)]));
}

export async function accountCounts(url: string): Promise<Record<string, number>> {
  const rows = await queryDatabase<{ table: string; n: string }>(
    url,
    `SELECT 'users' AS table, count(*) AS n FROM auth_users UNION ALL
     SELECT 'sessions', count(*) FROM auth_sessions`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.n)]));
}
