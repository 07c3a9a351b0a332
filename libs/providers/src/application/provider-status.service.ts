import { Injectable } from '@nestjs/common';
import { RedisConnection } from '@app/core';
import { PROVIDER_NAMES, type ProviderName } from '../domain/music.model';
import { ProviderRegistry } from './provider.registry';
import { ProviderPolicies } from '../upstream/provider-policies';
import { Clock } from '@app/core';
import type { GetServiceStatusResponse, ProviderStatusView } from '../domain/provider-status.types';

/** Latency percentiles are over this many most recent upstream round trips. */
const LATENCY_WINDOW = 200;

interface ProviderStats {
  latencies: number[];
  next: number;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  lastError?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] * 10) / 10;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** What each provider has been doing lately (per process), and the status report built from it. */
@Injectable()
export class ProviderStatusService {
  private readonly stats = new Map<ProviderName, ProviderStats>(
    PROVIDER_NAMES.map((name) => [name, { latencies: [], next: 0 }]),
  );

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly policies: ProviderPolicies,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  recordLatency(provider: ProviderName, ms: number): void {
    const stats = this.of(provider);
    if (stats.latencies.length < LATENCY_WINDOW) {
      stats.latencies.push(ms);
    } else {
      stats.latencies[stats.next] = ms;
    }
    stats.next = (stats.next + 1) % LATENCY_WINDOW;
  }

  recordSuccess(provider: ProviderName): void {
    this.of(provider).lastSuccessAt = this.clock.nowMs();
  }

  recordError(provider: ProviderName, message: string): void {
    const stats = this.of(provider);
    stats.lastErrorAt = this.clock.nowMs();
    stats.lastError = message;
  }

  report(): GetServiceStatusResponse {
    return { providers: this.registry.all().map((config) => this.view(config.name)) };
  }

  private view(name: ProviderName): ProviderStatusView {
    const config = this.registry.get(name);
    const stats = this.of(name);
    const sorted = [...stats.latencies].sort((a, b) => a - b);
    return {
      name,
      enabled: config.enabled,
      breakerState: this.policies.state(name),
      rateLimit: {
        requests: config.rateLimit.requests,
        windowSeconds: config.rateLimit.windowSec,
        shared: this.redis.ready,
      },
      lastSuccessAt: iso(stats.lastSuccessAt),
      lastErrorAt: iso(stats.lastErrorAt),
      lastError: stats.lastError,
      latency: {
        samples: sorted.length,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
      },
    };
  }

  private of(provider: ProviderName): ProviderStats {
    const stats = this.stats.get(provider);
    if (!stats) {
      throw new Error(`unknown provider ${provider}`);
    }
    return stats;
  }
}
