/** A row of the catalog with its freshness. */
export interface Stored<T> {
  value: T;
  fetchedAt: Date;
  expiresAt: Date;
}

export interface StoredRow {
  data: unknown;
  fetched_at: Date;
  expires_at: Date;
}

export function toStored<T>(row: StoredRow | undefined): Stored<T> | undefined {
  return row ? { value: row.data as T, fetchedAt: row.fetched_at, expiresAt: row.expires_at } : undefined;
}

export function expiryFrom(ttlSeconds: number, now = Date.now()): Date {
  return new Date(now + ttlSeconds * 1_000);
}
