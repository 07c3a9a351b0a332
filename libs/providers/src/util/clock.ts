import { Injectable } from '@nestjs/common';

/** Time for the gateway (rate-limit waits, token expiry, status timestamps); tests may replace it. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}
