import { DomainError, ErrorCode } from '@app/core';

interface Waiter {
  grant: (release: () => void) => void;
  timer: NodeJS.Timeout;
}

/**
 * A counting semaphore with a bounded wait: at most `max` holders; the next ones queue in arrival order and are
 * refused with UPSTREAM_UNAVAILABLE (503 + Retry-After, UNAVAILABLE on gRPC) when no slot frees up within
 * `waitMs`, so a burst cannot pile up unbounded downloads or unbounded waiting requests.
 */
export class DownloadSlots {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly max: number,
    private readonly waitMs: number,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  acquire(): Promise<() => void> {
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(this.busy());
        }, this.waitMs),
      };
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.releaser());
      } else {
        this.active -= 1;
      }
    };
  }

  private busy(): DomainError {
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `all ${this.max} cover download slots are busy`, {
      retryAfterSeconds: Math.max(1, Math.ceil(this.waitMs / 1000)),
    });
  }
}
