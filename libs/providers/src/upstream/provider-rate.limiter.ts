import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisConnection, redisSettings, type RedisSettings } from '@app/core';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { UpstreamFailure } from './upstream-failure';
import type { ProviderName } from '../domain/music.model';
import { providersSettings, type ProvidersSettings } from '../providers.settings';
import { ProviderRegistry } from '../application/provider.registry';
import { Clock } from '@app/core';
import { FairQueue } from './fair-queue';

/**
 * Shared slots a replica takes per Redis call (at most a tenth of a provider's window, so MusicBrainz's 1 per
 * second stays 1): one Redis round trip per this many provider calls, measured in bench/README.md.
 */
const LEASE_SLOTS = 5;

/** A lease asked of Redis: slots leased, no shared limit right now ('local'), or the ms until the window ends. */
type Refill = 'leased' | 'local' | number;

/** A call waiting for its slot. */
interface Waiter {
  /** Clock ms after which it would rather fail than wait. */
  deadline: number;
  grant: () => void;
  fail: (error: unknown) => void;
}

/** Slots this process took from the current shared window and has not used yet. */
interface Lease {
  left: number;
  /** When that window ends (clock ms): leased slots are void after it. */
  until: number;
}

/**
 * Per-provider request pacing (rate-limiter-flexible, fixed window of REQUESTS per WINDOW_SEC). With Redis the
 * counter is shared by every replica, which takes up to LEASE_SLOTS slots per Redis call and hands
 * them out itself until the window ends (slots a replica leaves unused are lost, never exceeded); when Redis is
 * absent, down or slow (bounded by REDIS_TIMEOUT_MS) each process falls back to its own in-memory counter, so a
 * call never hangs on Redis. Calls wait in one fair queue per provider, a lane per caller served round-robin, so
 * a caller with a hundred calls queued delays another caller's one call by at most a slot or two. A call waits
 * for its turn up to PROVIDER_QUEUE_MAX_WAIT_MS, then fails with a `queue-full` failure carrying a Retry-After.
 */
@Injectable()
export class ProviderRateLimiter {
  private readonly logger = new Logger(ProviderRateLimiter.name);
  private readonly local = new Map<ProviderName, RateLimiterAbstract>();
  private readonly shared = new Map<ProviderName, { limiter: RateLimiterAbstract; points: number; lease: number }>();
  private readonly leases = new Map<ProviderName, Lease>();
  private readonly refills = new Map<ProviderName, Promise<Refill>>();
  private readonly queues = new Map<ProviderName, FairQueue<string, Waiter>>();
  private readonly pumping = new Set<ProviderName>();
  private usingFallback = false;

  constructor(
    @Inject(providersSettings.KEY) private readonly settings: ProvidersSettings,
    @Inject(redisSettings.KEY) redisConfig: RedisSettings,
    private readonly registry: ProviderRegistry,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {
    for (const { name, rateLimit } of registry.all()) {
      const options = { points: rateLimit.requests, duration: rateLimit.windowSec, keyPrefix: 'local' };
      this.local.set(name, new RateLimiterMemory(options));
      if (redis.client) {
        const keyPrefix = `${redisConfig.REDIS_KEY_PREFIX}ratelimit:${name}`;
        const storeClient = redis.client;
        const limiter = new RateLimiterRedis({ ...options, keyPrefix, storeClient, useRedisPackage: true });
        const lease = Math.max(1, Math.min(LEASE_SLOTS, Math.floor(rateLimit.requests / 10)));
        this.shared.set(name, { limiter, points: rateLimit.requests, lease });
      }
    }
  }

  /**
   * Resolves when the provider may be called now; throws `UpstreamFailure('queue-full')` past the max wait.
   * `caller` names the queue lane (one per user or client address).
   */
  acquire(provider: ProviderName, caller: string): Promise<void> {
    const deadline = this.clock.nowMs() + this.settings.PROVIDER_QUEUE_MAX_WAIT_MS;
    let queue = this.queues.get(provider);
    if (queue === undefined) {
      queue = new FairQueue<string, Waiter>();
      this.queues.set(provider, queue);
    }
    const waiting = new Promise<void>((grant, fail) => queue.push(caller, { deadline, grant, fail }));
    if (!this.pumping.has(provider)) {
      this.pumping.add(provider);
      void this.pump(provider, queue);
    }
    return waiting;
  }

  /**
   * Hands out the provider's slots to its waiters, one at a time, as the limit frees them. It stops in the same
   * tick in which it finds the queue empty, so the next `acquire` starts a new one.
   */
  private async pump(provider: ProviderName, queue: FairQueue<string, Waiter>): Promise<void> {
    while (queue.size > 0) {
      let waitMs: number;
      try {
        waitMs = await this.tryConsume(provider);
      } catch (error) {
        queue.removeWhere(() => true).forEach((waiter) => waiter.fail(error));
        break;
      }
      if (waitMs <= 0) {
        queue.shift()?.grant();
      } else {
        await this.expireAndWait(queue, waitMs);
      }
    }
    this.pumping.delete(provider);
  }

  /** Fails the waiters that would wait past their deadline for the next slot, then waits for it. */
  private async expireAndWait(queue: FairQueue<string, Waiter>, waitMs: number): Promise<void> {
    const freeAt = this.clock.nowMs() + waitMs;
    for (const waiter of queue.removeWhere((candidate) => candidate.deadline < freeAt)) {
      waiter.fail(
        new UpstreamFailure('queue-full', 'too many requests queued for the rate limit', { retryAfterMs: waitMs }),
      );
    }
    if (queue.size > 0) {
      await this.clock.sleep(waitMs);
    }
  }

  /** 0 when a slot was taken, else the milliseconds until the next one frees up. */
  private async tryConsume(provider: ProviderName): Promise<number> {
    for (;;) {
      if (this.takeLeased(provider)) {
        return 0;
      }
      // One Redis call per provider at a time: concurrent callers share its lease instead of each taking one.
      let refill = this.refills.get(provider);
      if (refill === undefined) {
        refill = this.refill(provider).finally(() => this.refills.delete(provider));
        this.refills.set(provider, refill);
      }
      const outcome = await refill;
      if (outcome === 'local') {
        return this.consumeLocal(provider);
      }
      if (outcome !== 'leased') {
        return outcome;
      }
      // Slots were leased: take one (or, if other callers took them all first, ask again).
    }
  }

  /** Leases slots of the shared window. */
  private async refill(provider: ProviderName): Promise<Refill> {
    const shared = this.shared.get(provider);
    if (!shared || !this.redis.ready) {
      return 'local';
    }
    try {
      const taken = await this.redis.runOrThrow(() => shared.limiter.consume('calls', shared.lease));
      this.noteFallback(false);
      this.keepLease(provider, shared.lease, taken.msBeforeNext);
      return 'leased';
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) {
        this.noteFallback(true, error);
        return 'local';
      }
      // Fewer than a lease's slots were left: the ones that were still free are this process's now.
      const free = shared.points - (error.consumedPoints - shared.lease);
      if (free > 0) {
        this.keepLease(provider, free, error.msBeforeNext);
        return 'leased';
      }
      return Math.max(1, error.msBeforeNext);
    }
  }

  private takeLeased(provider: ProviderName): boolean {
    const lease = this.leases.get(provider);
    if (lease === undefined || lease.left <= 0 || lease.until <= this.clock.nowMs()) {
      return false;
    }
    lease.left -= 1;
    return true;
  }

  private keepLease(provider: ProviderName, slots: number, windowLeftMs: number): void {
    this.leases.set(provider, { left: slots, until: this.clock.nowMs() + windowLeftMs });
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
