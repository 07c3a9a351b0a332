import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';

export interface WindowCount {
  count: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

interface CounterRow {
  count: number;
  reset_in_ms: string | number;
}

function toWindowCount(row: CounterRow | undefined): WindowCount {
  return row
    ? { count: Number(row.count), resetInMs: Math.max(0, Number(row.reset_in_ms)) }
    : { count: 0, resetInMs: 0 };
}

/** Fixed-window counters in PostgreSQL, for when Redis is absent or down. Time comes from the database clock. */
@Injectable()
export class ThrottleCounterRepository {
  constructor(private readonly sql: SqlClient) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const rows = await this.sql.query<CounterRow>(
      `INSERT INTO auth_throttle_counters AS c (key, count, window_ends_at)
       VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN c.window_ends_at <= now() THEN 1 ELSE c.count + 1 END,
         window_ends_at = CASE WHEN c.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END
       RETURNING count, (extract(epoch FROM window_ends_at - now()) * 1000)::bigint AS reset_in_ms`,
      [key, windowMs],
    );
    return toWindowCount(rows[0]);
  }

  async decrement(key: string): Promise<void> {
    await this.sql.execute(
      'UPDATE auth_throttle_counters SET count = count - 1 WHERE key = $1 AND count > 0 AND window_ends_at > now()',
      [key],
    );
  }

  async reset(key: string): Promise<void> {
    await this.sql.execute('DELETE FROM auth_throttle_counters WHERE key = $1', [key]);
  }

  /** Windows that ended long ago; called now and then so attackers' random keys do not pile up. */
  async purgeExpired(): Promise<void> {
    await this.sql.execute("DELETE FROM auth_throttle_counters WHERE window_ends_at < now() - interval '1 hour'");
  }
}
