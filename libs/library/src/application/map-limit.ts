/**
 * Catalog lookups in flight at once while importing a playlist or adding several tracks: enough to overlap
 * round trips, few enough that one import does not take a provider's whole rate limit (which is what operators tune).
 */
export const CATALOG_LOOKUP_CONCURRENCY = 4;

/** `map` over `items` with at most `concurrency` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await map(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
