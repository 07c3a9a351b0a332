import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, RedisConnection, redisSettings, requestContext, type RedisSettings } from '@app/core';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { providersSettings, type ProvidersSettings } from '../providers.settings';

/** The name clients see in `RateLimit-Policy` and the problem document. */
export const PROVIDER_BUDGET_POLICY = 'provider';

/** Who a provider call is made for: its budget and its lane in the fair queue. */
export interface ProviderCaller {
  /** `user:<id>`, `address:<ip>`, or `system` for work no request asked for. */
  key: string;
  /** Whether the call draws on a budget (work a request asked for). */
  budgeted: boolean;
}

/**
 * The caller of the current request: the signed-in user, else the user a bearer token names on an open route
 * (its JWT verified here, on the first provider call, so warm answers never pay for it), else the client
 * address the transport established.
 */
export async function currentProviderCaller(): Promise<ProviderCaller> {
  const context = requestContext.current();
  const userId = context?.userId ?? (await context?.bearerUser?.());
  if (userId) {
    return { key: `user:${userId}`, budgeted: true };
  }
  if (context?.clientAddress) {
    return { key: `address:${context.clientAddress}`, budgeted: true };
  }
  return { key: 'system', budgeted: false };
}

export function parseBudget(text: string): { points: number; windowSeconds: number } {
  const [points, window] = text.replace(/s$/, '').split('/');
  return { points: Number(points), windowSeconds: Number(window) };
}

/**
 * Each caller's share of provider work (PROVIDER_CALLER_BUDGET points per window, one point per provider call).
 * With Redis the counters are shared by every replica; without it, or while Redis does not answer within
 * REDIS_TIMEOUT_MS, each process counts on its own, so a call never hangs on Redis.
 */
@Injectable()
export class CallerBudget {
  private readonly logger = new Logger(CallerBudget.name);
  private readonly points: number;
  private readonly windowSeconds: number;
  private readonly local: RateLimiterAbstract;
  private readonly shared?: RateLimiterAbstract;
  private usingFallback = false;

  constructor(
    @Inject(providersSettings.KEY) settings: ProvidersSettings,
    @Inject(redisSettings.KEY) redisConfig: RedisSettings,
    private readonly redis: RedisConnection,
  ) {
    ({ points: this.points, windowSeconds: this.windowSeconds } = parseBudget(settings.PROVIDER_CALLER_BUDGET));
    const options = { points: this.points, duration: this.windowSeconds };
    this.local = new RateLimiterMemory({ ...options, keyPrefix: 'budget' });
    if (redis.client) {
      const keyPrefix = `${redisConfig.REDIS_KEY_PREFIX}budget:provider`;
      this.shared = new RateLimiterRedis({ ...options, keyPrefix, storeClient: redis.client, useRedisPackage: true });
    }
  }

  /** Takes one point of the caller's budget; throws RATE_LIMITED (naming the budget) when none is left. */
  async charge(caller: ProviderCaller): Promise<void> {
    if (!caller.budgeted) {
      return;
    }
    try {
      await this.consume(caller.key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        throw this.exhausted(error);
      }
      throw error;
    }
  }

  private async consume(key: string): Promise<void> {
    const shared = this.shared;
    if (shared && this.redis.ready) {
      try {
        await this.redis.runOrThrow(() => shared.consume(key));
        this.noteFallback(false);
        return;
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw error;
        }
        this.noteFallback(true, error);
      }
    }
    await this.local.consume(key);
  }

  private exhausted(state: RateLimiterRes): DomainError {
    const resetSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    const detail =
      `The provider budget of this caller is used up (${this.points} provider calls per ${this.windowSeconds} s); ` +
      `answers already kept are still served. Retry in ${resetSeconds} s`;
    return new DomainError(ErrorCode.RATE_LIMITED, detail, {
      retryAfterSeconds: resetSeconds,
      rateLimit: {
        policy: PROVIDER_BUDGET_POLICY,
        quota: this.points,
        windowSeconds: this.windowSeconds,
        remaining: 0,
        resetSeconds,
      },
      extensions: { budget: PROVIDER_BUDGET_POLICY, quota: this.points, windowSeconds: this.windowSeconds },
    });
  }

  private noteFallback(fallback: boolean, error?: unknown): void {
    if (fallback !== this.usingFallback) {
      this.usingFallback = fallback;
      const reason = error instanceof Error ? `: ${error.message}` : '';
      this.logger.warn(
        fallback ? `shared caller budgets unavailable, counting per process${reason}` : 'shared caller budgets back',
      );
    }
  }
}
