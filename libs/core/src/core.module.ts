import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { appSettings, databaseSettings, grpcSettings, httpSettings, redisSettings } from './config/core.settings';
import { CacheModule } from './cache/cache.module';
import { HttpCacheModule } from './http-cache/http-cache.module';
import { MetricsModule } from './metrics/metrics.module';
import { metricsSettings } from './metrics/metrics.settings';
import { tracingSettings } from './tracing/tracing.settings';
import { DatabaseModule } from './database/database.module';
import type { DatabaseModuleOptions } from './database/data-source.options';
import { ExceptionsFilter } from './errors/exceptions.filter';
import { LifecycleState } from './lifecycle/lifecycle.state';
import { BackgroundWork } from './lifecycle/background-work';
import { Clock } from './time/clock';
import { RetentionRegistry } from './retention/retention.registry';
import { RetentionService } from './retention/retention.service';
import { createValidationPipe } from './transport/validation.pipe';
import { RequestContextInterceptor } from './transport/request-context.interceptor';
import { AnswerInterceptor } from './transport/answer.interceptor';
import { ChunkStreamInterceptor } from './transport/stream/chunk-stream.interceptor';
import { CallPipelineInterceptor } from './transport/call-pipeline.interceptor';

@Global()
@Module({})
export class CoreModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          // Settings are read through `rawSettings()` (file + env) by each area's validated class.
          skipProcessEnv: true,
          load: [
            appSettings,
            httpSettings,
            grpcSettings,
            databaseSettings,
            redisSettings,
            metricsSettings,
            tracingSettings,
          ],
        }),
        DatabaseModule.forRoot(options),
        MetricsModule,
        CacheModule,
        HttpCacheModule,
      ],
      providers: [
        LifecycleState,
        BackgroundWork,
        Clock,
        RetentionRegistry,
        RetentionService,
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ExceptionsFilter },
        RequestContextInterceptor,
        AnswerInterceptor,
        ChunkStreamInterceptor,
        // Runs the three above, in their order (call-pipeline.interceptor.ts says why as one).
        { provide: APP_INTERCEPTOR, useClass: CallPipelineInterceptor },
      ],
      exports: [LifecycleState, BackgroundWork, Clock, RetentionRegistry, RetentionService],
    };
  }
}
