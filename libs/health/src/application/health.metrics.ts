import { Injectable, Optional } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { MetricsService } from '@app/core';

/** The health lib's metric names (the ChorusNotReady alert reads chorus_ready). */
export const HEALTH_METRIC = {
  ready: 'chorus_ready',
} as const;

/**
 * Readiness as a gauge, whatever the probe: the kubelet's gRPC probe leaves no trace in the HTTP metrics, so an
 * alert on /health/ready answers would never fire under it. 1 while the pod would be reported ready
 * (PostgreSQL reachable, not draining), 0 otherwise; kept current by GrpcHealthService's periodic check.
 */
@Injectable()
export class HealthMetrics {
  private readonly ready: Gauge<string>;

  constructor(@Optional() core?: MetricsService) {
    const registers: Registry[] = core ? [core.registry] : [];
    this.ready = new Gauge({
      name: HEALTH_METRIC.ready,
      help: '1 while this instance is ready (PostgreSQL reachable, not draining), else 0; the same state every readiness probe reports.',
      registers,
    });
    this.ready.set(0);
  }

  setReady(ready: boolean): void {
    this.ready.set(ready ? 1 : 0);
  }
}
