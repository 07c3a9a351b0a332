import type { DataSourceOptions, MixedList } from 'typeorm';
import type { DatabaseSettings } from '../config/core.settings';

// TypeORM's own option type for these lists: entity and migration classes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = MixedList<Function | string>;

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
      max: settings.DB_POOL_SIZE,
      connectionTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
      statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS || undefined,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}
