/** Where the shared services of the machine (and CI) listen; override with TEST_PG_URL / TEST_REDIS_URL. */
export const ADMIN_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
