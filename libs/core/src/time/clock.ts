import { Injectable } from '@nestjs/common';

/**
 * The one time source of every lib: rate-limit waits, token expiry, freshness, status timestamps. Injected, so a
 * unit test hands in a fake and moves time by hand instead of sleeping.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** Milliseconds since the epoch, for arithmetic on deadlines. */
  nowMs(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}
