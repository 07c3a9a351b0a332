import { EventEmitter } from 'node:events';
import pg, { type Pool, type PoolClient } from 'pg';
import { PoolSockets } from './pool-sockets';

/** A pool as far as PoolSockets sees one: its public 'connect' and 'remove' events. */
function fakePool(): Pool & EventEmitter {
  return new EventEmitter() as Pool & EventEmitter;
}

describe(PoolSockets.name, () => {
  it('should hand TypeORM pg with a watched Pool and no native Pool it could pick instead', () => {
    const sut = new PoolSockets();

    const driver = sut.driver();

    // Its own null, not pg's lazy getter, which answers pg-native's Pool wherever that package is installed.
    expect(Object.getOwnPropertyDescriptor(driver, 'native')).toMatchObject({ value: null });
    expect(new driver.Pool({ max: 1 })).toBeInstanceOf(pg.Pool);
    expect(driver.types).toBe(pg.types);
  });

  it('should wake every close waiting at once when the last socket has closed', async () => {
    const sut = new PoolSockets();
    const pool = fakePool();
    sut.watch(pool);
    const client = {} as PoolClient;
    pool.emit('connect', client);

    const first = sut.closed(60_000);
    const second = sut.closed(60_000);
    pool.emit('remove', client);

    await expect(Promise.all([first, second])).resolves.toEqual([0, 0]);
  });
});
