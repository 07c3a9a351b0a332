import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { DomainError, ErrorCode } from '@app/core';
import { DependencyIndicators } from '../application/dependency.indicators';

/** Kubernetes probes: live = the process answers; ready = it can serve (PostgreSQL up); startup = migrated. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: DependencyIndicators,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness probe', description: 'The process answers; nothing else is checked.' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.run([]);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness probe',
    description: 'It can serve: not draining, PostgreSQL reachable; the Redis cache is reported but optional.',
  })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.run([() => this.checks.accepting(), () => this.checks.database(), () => this.checks.redisCache()]);
  }

  @Get('startup')
  @ApiOperation({ summary: 'Startup probe', description: 'The database migrations have run.' })
  @HealthCheck()
  startup(): Promise<HealthCheckResult> {
    return this.run([() => this.checks.migrations()]);
  }

  /** Terminus reports failure as an HTTP exception; Chorus answers it as a problem with the checks attached. */
  private async run(indicators: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Not ready: a dependency is down', {
          extensions: { checks: error.getResponse() },
        });
      }
      throw error;
    }
  }
}
