import type { DataSourceOptions, MixedList } from 'typeorm';
import type { DatabaseSettings } from '../config/core.settings';

// TypeORM's own option type for these lists: entity and migration classes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = MixedList<Function | string>;

/**
 * TypeORM's own pool serves only migrations (the advisory lock's connection plus the migration's own) and the
 * readiness ping; every repository query goes through SqlClient's pool (DB_POOL_SIZE).
 */
const TYPEORM_POOL_SIZE = 3;

export interface DatabaseModuleOptions {
  migrations: ClassList;
}

export function dataSourceOptions(
  url: string,
  settings: DatabaseSettings,
  options: DatabaseModuleOptions,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: 'chorus',
    extra: {
      max: TYPEORM_POOL_SIZE,
      connectionTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
      statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS || undefined,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}
