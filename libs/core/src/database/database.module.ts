import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseSettings, type DatabaseSettings } from '../config/core.settings';
import { BackgroundWork } from '../lifecycle/background-work';
import { LifecycleState } from '../lifecycle/lifecycle.state';
import { dataSourceOptions, type DatabaseModuleOptions } from './data-source.options';
import { migrateOrExplain, probeDatabase } from './database-start';
import { EmbeddedPostgresService } from './embedded-postgres.service';
import { MigrationRunner } from './migration.runner';
import { CLOSE_WAIT_MS, closeDataSource, PoolSockets } from './pool-sockets';
import { SqlClient, sqlPoolConfig } from './sql.client';

const MIGRATED = Symbol('MIGRATED');
/** The PostgreSQL URL both pools connect to: DATABASE_URL, or the embedded server's once it runs. */
const DATABASE_CONNECTION_URL = Symbol('DATABASE_CONNECTION_URL');
/** The sockets of TypeORM's pool, made through `PoolSockets.driver()`, so its close can wait for them. */
const TYPEORM_SOCKETS = Symbol('TYPEORM_SOCKETS');

/** One embedded server and one URL for TypeORM's DataSource and SqlClient's pool alike. */
@Module({
  providers: [
    EmbeddedPostgresService,
    {
      provide: DATABASE_CONNECTION_URL,
      inject: [databaseSettings.KEY, EmbeddedPostgresService],
      useFactory: async (settings: DatabaseSettings, embedded: EmbeddedPostgresService): Promise<string> => {
        const url = settings.DATABASE_URL || (await embedded.start(settings));
        await probeDatabase(url, settings.DB_CONNECT_TIMEOUT_MS, !settings.DATABASE_URL);
        return url;
      },
    },
    { provide: TYPEORM_SOCKETS, useFactory: () => new PoolSockets() },
  ],
  exports: [DATABASE_CONNECTION_URL, TYPEORM_SOCKETS, EmbeddedPostgresService],
})
class DatabaseConnectionModule {}

/**
 * Nest runs shutdown hooks module by module, and the embedded server's module went before the global ones that
 * hold the pools: PostgreSQL stopped under their open connections ("idle PostgreSQL connection lost"). So both
 * pools close here first (each closes once; TypeORM's own hook then finds its DataSource closed), then the server.
 * Not before the background work that still queries them has settled (BackgroundWork says how long at most).
 */
@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseShutdown.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SqlClient,
    private readonly embedded: EmbeddedPostgresService,
    private readonly background: BackgroundWork,
    @Inject(TYPEORM_SOCKETS) private readonly typeormSockets: PoolSockets,
    @Inject(databaseSettings.KEY) private readonly settings: DatabaseSettings,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.background.settled();
    // Together: each waits at most the connect timeout for PostgreSQL to hang up, so both do within one. Settled,
    // not all: a pool that fails to close must not leave the embedded PostgreSQL running.
    const closes = await Promise.allSettled([this.sql.onApplicationShutdown(), this.closeTypeOrm()]);
    await this.embedded.stop();
    for (const close of closes) {
      if (close.status === 'rejected') {
        throw close.reason;
      }
    }
  }

  /** The same wait for PostgreSQL to hang up as SqlClient's close, on TypeORM's pool. */
  private async closeTypeOrm(): Promise<void> {
    const waitMs = this.settings.DB_CONNECT_TIMEOUT_MS || CLOSE_WAIT_MS;
    const left = await closeDataSource(this.dataSource, this.typeormSockets, waitMs);
    if (left > 0) {
      this.logger.warn({
        msg: `PostgreSQL had not closed ${left} TypeORM pool connection(s) ${waitMs} ms after the pool ended; shutdown goes on without them`,
      });
    }
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        DatabaseConnectionModule,
        TypeOrmModule.forRootAsync({
          imports: [DatabaseConnectionModule],
          inject: [databaseSettings.KEY, DATABASE_CONNECTION_URL, TYPEORM_SOCKETS],
          useFactory: (settings: DatabaseSettings, url: string, sockets: PoolSockets) => ({
            ...dataSourceOptions(url, settings, options),
            driver: sockets.driver(),
            autoLoadEntities: true,
            retryAttempts: 0,
          }),
        }),
      ],
      providers: [
        MigrationRunner,
        DatabaseShutdown,
        {
          provide: SqlClient,
          inject: [databaseSettings.KEY, DATABASE_CONNECTION_URL],
          useFactory: (settings: DatabaseSettings, url: string) =>
            new SqlClient(sqlPoolConfig(url, settings), settings.DB_RETRY_AFTER_SECONDS),
        },
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
