import { Answers } from './answer';

describe('Answers', () => {
  it('combines to the least fresh part and the earliest expiry', () => {
    const combined = Answers.combine('v', [Answers.of(1, 'HIT', 5_000), Answers.of(2, 'STALE', 3_000)]);
    expect(combined).toEqual({ value: 'v', freshness: 'STALE', freshUntil: 3_000, status: 'COMPLETE', failures: [] });
  });

  it('is PARTIAL and never kept when a source failed', () => {
    const combined = Answers.combine('v', [Answers.of(1, 'MISS', 5_000)], [{ source: 'deezer', reason: 'timed out' }]);
    expect(combined.status).toBe('PARTIAL');
    expect(combined.freshUntil).toBe(0);
    expect(combined.failures).toEqual([{ source: 'deezer', reason: 'timed out' }]);
  });

  it('keeps the metadata when mapping the value', () => {
    expect(Answers.map(Answers.of(2, 'HIT', 9), (n) => n * 2)).toEqual(Answers.of(4, 'HIT', 9));
  });
});
