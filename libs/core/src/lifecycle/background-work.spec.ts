import { Logger } from '@nestjs/common';
import { AppSettings, DatabaseSettings } from '../config/core.settings';
import { Clock } from '../time/clock';
import { BackgroundWork } from './background-work';

/** A piece of work the test finishes by hand. */
function gate(): { promise: Promise<string>; open(): void; fail(): void } {
  let open!: () => void;
  let fail!: () => void;
  const promise = new Promise<string>((resolve, reject) => {
    open = () => resolve('done');
    fail = () => reject(new Error('provider down'));
  });
  return { promise, open, fail };
}

/** Whether `promise` has settled once every pending callback has run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await jest.advanceTimersByTimeAsync(0);
  return settled;
}

describe(BackgroundWork.name, () => {
  let warn: jest.SpyInstance;
  let sut: BackgroundWork;

  beforeEach(() => {
    jest.useFakeTimers();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const app = Object.assign(new AppSettings(), { SHUTDOWN_TIMEOUT_MS: 10_000 });
    const database = Object.assign(new DatabaseSettings(), { DB_CONNECT_TIMEOUT_MS: 4_000 });
    sut = new BackgroundWork(app, database, new Clock());
  });

  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('should hand back the work promise and forget the work once it settles, failed or not', async () => {
    const ok = gate();
    const failing = gate();
    const tracked = sut.track(() => ok.promise);
    const rejected = sut.track(() => failing.promise);
    expect(sut.size).toBe(2);

    ok.open();
    failing.fail();

    await expect(tracked).resolves.toBe('done');
    await expect(rejected).rejects.toThrow('provider down');
    expect(sut.size).toBe(0);
  });

  it('should wait at shutdown until the work in flight has finished', async () => {
    const work = gate();
    void sut.track(() => work.promise);
    sut.onModuleDestroy();

    const settled = sut.settled();
    expect(await hasSettled(settled)).toBe(false);
    work.open();

    expect(await hasSettled(settled)).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('should start no work once shutdown has begun', () => {
    sut.onModuleDestroy();
    const work = jest.fn(() => Promise.resolve());

    expect(sut.track(work)).toBeUndefined();
    expect(work).not.toHaveBeenCalled();
    expect(sut.size).toBe(0);
  });

  it('should settle at once, without a warning, when nothing runs', async () => {
    expect(await hasSettled(sut.settled())).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('should give up at the shutdown timeout less the pools close bound, counted from the close, and say how many', async () => {
    void sut.track(() => gate().promise);
    void sut.track(() => gate().promise);
    const finished = gate();
    void sut.track(() => finished.promise);
    sut.onModuleDestroy();
    // The hook that closes the first pool comes later (listeners closed, requests drained): the bound still counts
    // from the close's start.
    await jest.advanceTimersByTimeAsync(1_000);
    const settled = sut.settled();
    finished.open();

    await jest.advanceTimersByTimeAsync(4_999);
    expect(await hasSettled(settled)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);

    expect(await hasSettled(settled)).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^abandoned 2 background refresh\(es\) still running/);
  });

  it('should be one wait for every caller, with one warning', async () => {
    void sut.track(() => gate().promise);
    const first = sut.settled();

    expect(sut.settled()).toBe(first);
    await jest.advanceTimersByTimeAsync(6_000);
    expect(await hasSettled(first)).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
