import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import { CHORUS_PACKAGE } from '@app/contracts';
import { LifecycleState, type GrpcServerAttachment } from '@app/core';
import { DependencyIndicators } from '../application/dependency.indicators';
import { HealthMetrics } from '../application/health.metrics';
import { healthSettings, type HealthSettings } from '../health.settings';

type ServingStatus = 'SERVING' | 'NOT_SERVING';

function chorusServices(pkg: PackageDefinition): string[] {
  return Object.entries(pkg)
    .filter(([name, definition]) => name.startsWith(`${CHORUS_PACKAGE}.`) && !('format' in definition))
    .map(([name]) => name);
}

/**
 * grpc.health.v1.Health for the whole server ("") and each Chorus service: SERVING while PostgreSQL answers,
 * NOT_SERVING while it does not or once draining. Re-checked on an interval so Watch streams see changes, and
 * published as the chorus_ready gauge so an alert works whichever probe the cluster uses.
 */
@Injectable()
export class GrpcHealthService implements GrpcServerAttachment, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly implementation = new HealthImplementation({ '': 'NOT_SERVING' });
  private services: string[] = [];
  private timer?: NodeJS.Timeout;
  private current?: ServingStatus;

  constructor(
    private readonly checks: DependencyIndicators,
    private readonly lifecycle: LifecycleState,
    private readonly metrics: HealthMetrics,
    @Inject(healthSettings.KEY) private readonly settings: HealthSettings,
  ) {}

  attach(pkg: PackageDefinition, server: Server): void {
    this.services = chorusServices(pkg);
    this.implementation.addToServer(server);
    this.publish(this.current ?? 'NOT_SERVING');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.lifecycle.onDraining(() => this.publish('NOT_SERVING'));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.settings.HEALTH_GRPC_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.publish('NOT_SERVING');
  }

  async refresh(): Promise<void> {
    const serving = !this.lifecycle.isDraining && (await this.checks.databaseReachable());
    this.publish(serving ? 'SERVING' : 'NOT_SERVING');
  }

  private publish(status: ServingStatus): void {
    this.current = status;
    this.metrics.setReady(status === 'SERVING');
    for (const service of ['', ...this.services]) {
      this.implementation.setStatus(service, status);
    }
  }
}
