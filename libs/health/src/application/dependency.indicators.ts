import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { LifecycleState, RedisConnection } from '@app/core';
import { healthSettings, type HealthSettings } from '../health.settings';

/** The checks behind the HTTP probes and the gRPC health status, in one place. */
@Injectable()
export class DependencyIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly redis: RedisConnection,
    private readonly lifecycle: LifecycleState,
    @Inject(healthSettings.KEY) private readonly settings: HealthSettings,
  ) {}

  async database(): Promise<HealthIndicatorResult> {
    return await this.typeorm.pingCheck('database').withTimeout(this.settings.HEALTH_CHECK_TIMEOUT_MS);
  }

  /** Redis only ever degrades readiness: Chorus serves from PostgreSQL and memory without it. */
  async redisCache(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('redis');
    if (!this.redis.configured) {
      return session.up({ mode: 'in-process' });
    }
    return (await this.redis.ping())
      ? session.up({ mode: 'redis' })
      : session.degraded({ mode: 'in-process fallback' });
  }

  accepting(): HealthIndicatorResult {
    const session = this.indicators.check('lifecycle');
    return this.lifecycle.isDraining ? session.down({ message: 'shutting down' }) : session.up();
  }

  migrations(): HealthIndicatorResult {
    const session = this.indicators.check('migrations');
    return this.lifecycle.isMigrated ? session.up() : session.down({ message: 'migrations pending' });
  }

  async databaseReachable(): Promise<boolean> {
    try {
      const result = await this.database();
      return result.database?.status === 'up';
    } catch {
      return false;
    }
  }
}
