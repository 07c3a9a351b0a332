import { FakeClock, type RedisConnection, type RedisSettings } from '@app/core';
import type { CatalogSettings } from '../catalog.settings';
import { SingleFlight } from './single-flight.service';

const LOCK_TTL_MS = 1_000;

/** Redis as the lock sees it: another replica holds every lock for as long as `held` says. */
class FakeRedis {
  held = true;
  readonly ready = true;
  readonly calls: string[] = [];

  run<T>(operation: (client: unknown) => Promise<T>): Promise<T | undefined> {
    const client = {
      set: () => this.record('set', this.held ? null : 'OK'),
      exists: () => this.record('exists', this.held ? 1 : 0),
      eval: () => this.record('eval', 1),
    };
    return operation(client);
  }

  private record<T>(command: string, reply: T): Promise<T> {
    this.calls.push(command);
    return Promise.resolve(reply);
  }
}

describe(SingleFlight.name, () => {
  let clock: FakeClock;
  let redis: FakeRedis;
  let sut: SingleFlight;

  beforeEach(() => {
    clock = new FakeClock();
    redis = new FakeRedis();
    sut = new SingleFlight(
      redis as unknown as RedisConnection,
      { REDIS_KEY_PREFIX: 'test:' } as RedisSettings,
      { CATALOG_LOCK_TTL_MS: LOCK_TTL_MS } as CatalogSettings,
      clock,
    );
  });

  it('should wait on the injected clock for the replica holding the lock, and take its answer', async () => {
    const started = clock.nowMs();
    const work = jest.fn(() => Promise.resolve('mine'));
    // The holder's answer appears once 200 ms have passed on the fake clock.
    const peek = () => Promise.resolve(clock.nowMs() - started >= 200 ? 'theirs' : undefined);

    await expect(sut.run('artist:1', work, peek)).resolves.toBe('theirs');

    expect(work).not.toHaveBeenCalled();
    expect(clock.nowMs() - started).toBe(200);
  });

  it('should do the work itself once the lock time has passed on the injected clock without an answer', async () => {
    const started = clock.nowMs();
    const work = jest.fn(() => Promise.resolve('mine'));

    await expect(sut.run('artist:1', work, () => Promise.resolve(undefined))).resolves.toBe('mine');

    expect(work).toHaveBeenCalledTimes(1);
    expect(clock.nowMs() - started).toBeGreaterThanOrEqual(LOCK_TTL_MS);
  });

  it('should share one run between concurrent callers of this process and release the lock it took', async () => {
    redis.held = false;
    let finish: (value: string) => void = () => undefined;
    const work = jest.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const peek = () => Promise.resolve(undefined);

    const first = sut.run('artist:1', work, peek);
    const second = sut.run('artist:1', work, peek);
    await new Promise(setImmediate);
    finish('answer');

    await expect(Promise.all([first, second])).resolves.toEqual(['answer', 'answer']);
    expect(work).toHaveBeenCalledTimes(1);
    expect(redis.calls).toEqual(['set', 'eval']);
  });
});
