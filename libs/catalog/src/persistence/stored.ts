/** A row of the catalog with its freshness. */
export interface Stored<T> {
  value: T;
  expiresAt: Date;
}

export interface StoredRow {
  data: unknown;
  expires_at: Date;
}

/**
 * A load that also looked up the question's remembered "not found" (catalog_misses) in the same query: one
 * PostgreSQL round trip less on a first-time lookup.
 */
export const REMEMBERED_MISSING = Symbol('remembered not found');

export type Loaded<T> = Stored<T> | typeof REMEMBERED_MISSING | undefined;

export function toStored<T>(row: StoredRow | undefined): Stored<T> | undefined {
  return row ? { value: row.data as T, expiresAt: row.expires_at } : undefined;
}

export function expiryFrom(ttlSeconds: number, now = Date.now()): Date {
  return new Date(now + ttlSeconds * 1_000);
}
