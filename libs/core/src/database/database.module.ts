import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseSettings, type DatabaseSettings } from '../config/core.settings';
import { LifecycleState } from '../lifecycle/lifecycle.state';
import { dataSourceOptions, type DatabaseModuleOptions } from './data-source.options';
import { migrateOrExplain, probeDatabase } from './database-start';
import { EmbeddedPostgresService } from './embedded-postgres.service';
import { MigrationRunner } from './migration.runner';
import { SqlClient } from './sql.client';

const MIGRATED = Symbol('MIGRATED');

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          extraProviders: [EmbeddedPostgresService],
          inject: [databaseSettings.KEY, EmbeddedPostgresService],
          useFactory: async (settings: DatabaseSettings, embedded: EmbeddedPostgresService) => {
            const url = settings.DATABASE_URL || (await embedded.start(settings));
            await probeDatabase(url, settings.DB_CONNECT_TIMEOUT_MS, !settings.DATABASE_URL);
            return { ...dataSourceOptions(url, settings, options), autoLoadEntities: true, retryAttempts: 0 };
          },
        }),
      ],
      providers: [
        MigrationRunner,
        SqlClient,
        {
          // A provider rather than a lifecycle hook: it resolves before any module that needs the schema.
          provide: MIGRATED,
          inject: [DataSource, MigrationRunner, LifecycleState, databaseSettings.KEY],
          useFactory: async (
            dataSource: DataSource,
            runner: MigrationRunner,
            state: LifecycleState,
            settings: DatabaseSettings,
          ): Promise<boolean> => {
            if (!settings.DB_SKIP_MIGRATIONS) {
              await migrateOrExplain(dataSource, () => runner.run(dataSource));
            }
            state.markMigrated();
            return true;
          },
        },
      ],
      exports: [TypeOrmModule, MIGRATED, SqlClient],
    };
  }
}
