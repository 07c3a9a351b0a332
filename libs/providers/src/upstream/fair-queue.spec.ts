import { FairQueue } from './fair-queue';

function drain<K, T>(queue: FairQueue<K, T>): T[] {
  const out: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    out.push(item);
  }
  return out;
}

describe(FairQueue.name, () => {
  it('should serve one key in arrival order', () => {
    const sut = new FairQueue<string, number>();
    [1, 2, 3].forEach((n) => sut.push('a', n));

    expect(drain(sut)).toEqual([1, 2, 3]);
    expect(sut.size).toBe(0);
  });

  it("should serve a newcomer's single waiter after at most one turn of the flooding key", () => {
    const sut = new FairQueue<string, string>();
    for (let i = 1; i <= 100; i += 1) {
      sut.push('flooder', `f${i}`);
    }
    expect(sut.shift()).toBe('f1');
    sut.push('victim', 'v1');

    expect(drain(sut).indexOf('v1')).toBeLessThanOrEqual(1);
  });

  it('should take turns round-robin across keys, each in its own order', () => {
    const sut = new FairQueue<string, string>();
    ['a1', 'a2', 'a3'].forEach((item) => sut.push('a', item));
    ['b1', 'b2'].forEach((item) => sut.push('b', item));
    sut.push('c', 'c1');

    expect(drain(sut)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('should keep the others in order when some waiters are taken out', () => {
    const sut = new FairQueue<string, string>();
    ['a1', 'a2'].forEach((item) => sut.push('a', item));
    ['b1', 'b2'].forEach((item) => sut.push('b', item));
    sut.push('c', 'c1');

    const removed = sut.removeWhere((item) => item === 'a1' || item === 'a2' || item === 'b1');

    expect(removed.sort()).toEqual(['a1', 'a2', 'b1']);
    expect(sut.size).toBe(2);
    expect(drain(sut)).toEqual(['b2', 'c1']);
  });

  it('should answer undefined when empty', () => {
    expect(new FairQueue<string, number>().shift()).toBeUndefined();
  });
});
