import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { DependencyIndicators } from './application/dependency.indicators';
import { HealthMetrics } from './application/health.metrics';
import { GrpcHealthService } from './transport/grpc-health.service';
import { HealthController } from './transport/health.controller';
import { healthSettings } from './health.settings';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ConfigModule.forFeature(healthSettings)],
  controllers: [HealthController],
  providers: [DependencyIndicators, HealthMetrics, GrpcHealthService],
  exports: [GrpcHealthService],
})
export class HealthModule {}
