import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** Global, so any lib can inject MetricsService without importing a module of core's. */
@Global()
@Module({
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
