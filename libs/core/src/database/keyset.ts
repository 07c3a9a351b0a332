/**
 * Where a keyset page starts: the last row of the page before, by its time (as PostgreSQL prints it, `col::text`,
 * to the microsecond a JavaScript Date would lose) and its id.
 */
export interface KeysetCursor {
  cursorAt: string;
  id: string;
}

/**
 * The rows of a keyset-paginated query, read `batchSize` at a time: `page(after, limit)` answers the rows that
 * follow `after` (undefined: from the start) in the query's order. No connection is held between pages, so a slow
 * reader ties up no PostgreSQL connection, and only one page is in memory at a time.
 */
export async function* keysetRows<T>(
  page: (after: T | undefined, limit: number) => Promise<T[]>,
  batchSize: number,
): AsyncGenerator<T> {
  let after: T | undefined;
  for (;;) {
    const rows = await page(after, batchSize);
    yield* rows;
    if (rows.length < batchSize) {
      return;
    }
    after = rows[rows.length - 1];
  }
}
