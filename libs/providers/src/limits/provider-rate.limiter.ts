import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisConnection } from '@app/core';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { UpstreamFailure } from '../http/upstream-failure';
import type { ProviderName } from '../model/music.model';
import { providersSettings, type ProvidersSettings } from '../providers.settings';
import { ProviderRegistry } from '../registry/provider.registry';
import { Clock } from '../util/clock';

/** Spreads waiters that wake for the same free slot, so they do not all hit the limiter at once. */
const WAKE_JITTER_MS = 15;

/**
 * Per-provider request pacing (rate-limiter-flexible, fixed window of REQUESTS per WINDOW_SEC). With Redis the
 * counter is shared by every replica; when Redis is absent, down or slow (bounded by REDIS_TIMEOUT_MS) each
 * process falls back to its own in-memory counter, so a call never hangs on Redis. A call waits for its turn
 * up to PROVIDER_QUEUE_MAX_WAIT_MS, then fails with a `queue-full` failure carrying a Retry-After.
 */
@Injectable()
export class ProviderRateLimiter {
  private readonly logger = new Logger(ProviderRateLimiter.name);
  private readonly local = new Map<ProviderName, RateLimiterAbstract>();
  private readonly shared = new Map<ProviderName, RateLimiterAbstract>();
  private usingFallback = false;

  constructor(
    @Inject(providersSettings.KEY) private readonly settings: ProvidersSettings,
    private readonly registry: ProviderRegistry,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {
    for (const { name, rateLimit } of registry.all()) {
      const options = { points: rateLimit.requests, duration: rateLimit.windowSec, keyPrefix: 'local' };
      this.local.set(name, new RateLimiterMemory(options));
      if (redis.client) {
        const keyPrefix = `${settings.PROVIDER_LIMITER_KEY_PREFIX}${name}`;
        const storeClient = redis.client;
        this.shared.set(name, new RateLimiterRedis({ ...options, keyPrefix, storeClient, useRedisPackage: true }));
      }
    }
  }

  /** Resolves when the provider may be called now; throws `UpstreamFailure('queue-full')` past the max wait. */
  async acquire(provider: ProviderName): Promise<void> {
    const deadline = this.clock.now() + this.settings.PROVIDER_QUEUE_MAX_WAIT_MS;
    for (;;) {
      const waitMs = await this.tryConsume(provider);
      if (waitMs <= 0) {
        return;
      }
      if (this.clock.now() + waitMs > deadline) {
        throw new UpstreamFailure('queue-full', 'too many requests queued for the rate limit', {
          retryAfterMs: waitMs,
        });
      }
      await this.clock.sleep(waitMs + Math.floor(Math.random() * WAKE_JITTER_MS));
    }
  }

  /** 0 when a slot was taken, else the milliseconds until the next one frees up. */
  private async tryConsume(provider: ProviderName): Promise<number> {
    const shared = this.shared.get(provider);
    if (shared && this.redis.ready) {
      try {
        await this.redis.runOrThrow(() => shared.consume('calls'));
        this.noteFallback(false);
        return 0;
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return Math.max(1, error.msBeforeNext);
        }
        this.noteFallback(true, error);
      }
    }
    return this.consumeLocal(provider);
  }

  private async consumeLocal(provider: ProviderName): Promise<number> {
    const local = this.local.get(provider);
    if (!local) {
      return 0;
    }
    try {
      await local.consume('calls');
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        return Math.max(1, error.msBeforeNext);
      }
      throw error;
    }
  }

  private noteFallback(fallback: boolean, error?: unknown): void {
    if (fallback !== this.usingFallback) {
      this.usingFallback = fallback;
      const reason = error instanceof Error ? `: ${error.message}` : '';
      this.logger.warn(
        fallback ? `shared rate limit unavailable, limiting per process${reason}` : 'shared rate limit back',
      );
    }
  }
}
