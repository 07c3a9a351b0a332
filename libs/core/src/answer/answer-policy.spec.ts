import { Answers, type Answer } from './answer';
import { cacheControlFor } from './answer-policy';

const NOW = Date.UTC(2026, 1, 1, 12);

function decide(answer: Answer<unknown>, signedIn = false): string {
  return cacheControlFor({ answer, now: NOW, signedIn });
}

describe('cacheControlFor', () => {
  it('should let anyone keep a fresh answer for what is left of its freshness', () => {
    expect(decide(Answers.of('v', 'HIT', NOW + 90_500))).toBe('public, max-age=90');
    expect(decide(Answers.of('v', 'MISS', NOW + 3_600_000))).toBe('public, max-age=3600');
  });

  it('should keep a signed-in caller’s answer private', () => {
    expect(decide(Answers.of('v', 'HIT', NOW + 60_000), true)).toBe('private, max-age=60');
    expect(decide(Answers.of('v', 'STALE', NOW - 1), true)).toBe('private, max-age=0, must-revalidate');
  });

  it('should make a stale answer, or one whose freshness ran out, be checked again first', () => {
    expect(decide(Answers.of('v', 'STALE', NOW - 60_000))).toBe('public, max-age=0, must-revalidate');
    expect(decide(Answers.of('v', 'HIT', NOW + 400))).toBe('public, max-age=0, must-revalidate');
  });

  it('should never let a partial answer or one marked never-keep be stored', () => {
    const partial = Answers.partial('v', 'HIT', [{ source: 'deezer', reason: 'timed out' }]);
    expect(decide(partial)).toBe('no-store');
    expect(
      decide(Answers.combine('v', [Answers.of('a', 'HIT', NOW + 60_000)], [{ source: 'x', reason: 'down' }])),
    ).toBe('no-store');
    expect(decide(Answers.of('v', 'HIT', 0))).toBe('no-store');
  });

  it('should cap what an answer that never expires may claim at a year', () => {
    expect(decide(Answers.of('v', 'HIT', Number.MAX_SAFE_INTEGER))).toBe('public, max-age=31536000');
  });
});
