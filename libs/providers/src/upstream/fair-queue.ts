/**
 * Waiters in one FIFO per key, served round-robin across keys: a key with many waiters is served once per
 * round like a key with one, so a newcomer waits for at most one turn of each other key ahead of it.
 */
export class FairQueue<K, T> {
  private readonly lanes = new Map<K, T[]>();
  /** Keys with waiters, in serving order; the next key served is at the front. */
  private readonly order: K[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: K, item: T): void {
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(item);
    } else {
      this.lanes.set(key, [item]);
      this.order.push(key);
    }
    this.count += 1;
  }

  /** The next waiter: the oldest of the key whose turn it is; that key then goes to the back of the round. */
  shift(): T | undefined {
    const key = this.order.shift();
    if (key === undefined) {
      return undefined;
    }
    const lane = this.lanes.get(key) as T[];
    const item = lane.shift() as T;
    if (lane.length > 0) {
      this.order.push(key);
    } else {
      this.lanes.delete(key);
    }
    this.count -= 1;
    return item;
  }

  /** Takes out every waiter that matches, keeping the others' order and turns. */
  removeWhere(matches: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const [key, lane] of this.lanes) {
      const kept = lane.filter((item) => !matches(item));
      removed.push(...lane.filter(matches));
      if (kept.length === 0) {
        this.lanes.delete(key);
        this.order.splice(this.order.indexOf(key), 1);
      } else {
        this.lanes.set(key, kept);
      }
    }
    this.count -= removed.length;
    return removed;
  }
}
