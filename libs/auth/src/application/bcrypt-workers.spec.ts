import { lookup } from 'node:dns/promises';
import { hashSync } from 'bcrypt';
import { BcryptWorkers } from './bcrypt-workers';

describe(BcryptWorkers.name, () => {
  let sut: BcryptWorkers;

  afterEach(() => sut.onApplicationShutdown());

  it('should run at most N hashes at once while many logins are in flight, and answer each right', async () => {
    sut = new BcryptWorkers({ AUTH_HASH_CONCURRENCY: 2 });
    const stored = hashSync('correct horse battery', 4);
    const logins = Array.from({ length: 24 }, (_, i) =>
      sut.compare(i % 3 === 0 ? 'wrong password' : 'correct horse battery', stored),
    );
    const answers = await Promise.all(logins);
    expect(answers).toEqual(Array.from({ length: 24 }, (_, i) => i % 3 !== 0));
    expect(sut.peakConcurrency).toBe(2);
    expect(await sut.compare('correct horse battery', await sut.hash('correct horse battery', 4))).toBe(true);
  });

  it('should default to the core count', () => {
    sut = new BcryptWorkers({ AUTH_HASH_CONCURRENCY: 0 });
    expect(sut.size).toBeGreaterThanOrEqual(1);
  });

  it("should let a DNS lookup through while a login flood is running (libuv's pool stays free)", async () => {
    sut = new BcryptWorkers({ AUTH_HASH_CONCURRENCY: 4 });
    const stored = hashSync('correct horse battery', 10);
    let finished = 0;
    const flood = Array.from({ length: 32 }, () =>
      sut.compare('correct horse battery', stored).then(() => (finished += 1)),
    );
    await lookup('localhost');
    // Four threads on libuv's pool busy with bcrypt would have queued the lookup behind the whole flood.
    expect(finished).toBeLessThan(flood.length);
    await Promise.all(flood);
    expect(sut.peakConcurrency).toBe(4);
  });
});
