import fc from 'fast-check';
import { mapLimit } from './map-limit';

describe(mapLimit.name, () => {
  it('should keep the input order and never run more than `concurrency` calls at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(5), { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, limit) => {
          let running = 0;
          let peak = 0;
          const results = await mapLimit(delays, limit, async (delay, index) => {
            running += 1;
            peak = Math.max(peak, running);
            // Yields `delay` times to the event loop's microtask queue: calls interleave without any real time.
            for (let i = 0; i < delay; i += 1) {
              await Promise.resolve();
            }
            running -= 1;
            return index;
          });
          expect(results).toEqual(delays.map((_, index) => index));
          expect(peak).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 30 },
    );
  });
});
