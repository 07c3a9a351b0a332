import { Clock } from './clock';

/** A clock for unit tests: time moves only when the test says so, and a sleep moves it at once. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    super();
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  override now(): Date {
    return new Date(this.current);
  }

  override nowMs(): number {
    return this.current;
  }

  override sleep(ms: number): Promise<void> {
    this.advance(ms);
    return Promise.resolve();
  }

  advance(ms: number): void {
    this.current += Math.max(0, ms);
  }

  set(at: Date | number): void {
    this.current = typeof at === 'number' ? at : at.getTime();
  }
}
