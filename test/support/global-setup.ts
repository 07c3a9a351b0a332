import { Client } from 'pg';
import { createClient } from '@redis/client';
import { ADMIN_PG_URL, SHARED_REDIS_URL } from './env';

/** Fails fast with a clear message when the shared PostgreSQL or Redis is not running. */
export default async function globalSetup(): Promise<void> {
  const pg = new Client({ connectionString: ADMIN_PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (error) {
    throw new Error(`Integration tests need PostgreSQL at ${ADMIN_PG_URL}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = createClient({ url: SHARED_REDIS_URL, socket: { connectTimeout: 3_000, reconnectStrategy: false } });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Integration tests need Redis at ${SHARED_REDIS_URL}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await redis.close().catch(() => undefined);
  }
}
