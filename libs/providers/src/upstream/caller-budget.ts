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

/**
 * A point taken for a provider call a question will probably need, before that is known (`CallerBudget.prepay`).
 * `settle` once the question is answered: a point no call used is given back (resolves when it is).
 */
export interface PrepaidPoint {
  settle(): Promise<void>;
}

/** One point taken: the limiter that counted it, and its refusal when none was left (a refusal counts too). */
interface Drawn {
  limiter: RateLimiterAbstract;
  refused?: RateLimiterRes;
}

const NOTHING_PREPAID: PrepaidPoint = { settle: () => Promise.resolve() };

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
  /** Points prepaid per caller key and not yet used by a call, oldest first. */
  private readonly credits = new Map<string, Array<Promise<Drawn>>>();
  /** Prepaid points whose caller is still being resolved: a charge made after a prepay waits to see its point. */
  private readonly registering = new Set<Promise<unknown>>();

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
    if (this.registering.size > 0) {
      await Promise.all(this.registering);
    }
    const { refused } = await (this.credits.get(caller.key)?.shift() ?? this.draw(caller.key));
    if (refused) {
      throw this.exhausted(refused);
    }
  }

  /**
   * Takes a point of the current caller's shared budget now, for a provider call its question will probably make:
   * the read path asks this when no cache holds the answer and it holds the question's single-flight lock, so the
   * charge's Redis round trip runs beside the row query instead of after it (one round trip less on a first-time
   * lookup).
   * The caller's next `charge` uses the point, whichever of its questions makes that call; `settle` gives the point
   * back when no call used it (the row was there). Calls are refused exactly as before, by the same count.
   * In-process budgets cost no round trip, so nothing is prepaid without Redis.
   */
  prepay(): PrepaidPoint {
    if (!this.shared || !this.redis.ready) {
      return NOTHING_PREPAID;
    }
    const added = currentProviderCaller().then((caller) => (caller.budgeted ? this.addCredit(caller.key) : undefined));
    const registered: Promise<boolean> = added.then(
      () => this.registering.delete(registered),
      () => this.registering.delete(registered),
    );
    this.registering.add(registered);
    return {
      // A caller that cannot be resolved fails its calls' own charges; there is nothing to give back.
      settle: () =>
        added.then(
          (credit) => (credit ? this.refundUnused(credit.key, credit.drawn) : undefined),
          () => undefined,
        ),
    };
  }

  private addCredit(key: string): { key: string; drawn: Promise<Drawn> } {
    const drawn = this.draw(key);
    // Only a broken in-process limiter rejects; the call that uses the point sees that, an unused one is dropped.
    drawn.catch(() => undefined);
    const queue = this.credits.get(key);
    if (queue) {
      queue.push(drawn);
    } else {
      this.credits.set(key, [drawn]);
    }
    return { key, drawn };
  }

  private async refundUnused(key: string, drawn: Promise<Drawn>): Promise<void> {
    const queue = this.credits.get(key);
    if (queue === undefined || !queue.includes(drawn)) {
      return;
    }
    const left = queue.filter((credit) => credit !== drawn);
    if (left.length === 0) {
      this.credits.delete(key);
    } else {
      this.credits.set(key, left);
    }
    try {
      const { limiter } = await drawn;
      await limiter.reward(key, 1);
    } catch (error) {
      this.logger.warn({ msg: 'unused provider budget point not given back', error: (error as Error).message });
    }
  }

  private async draw(key: string): Promise<Drawn> {
    const shared = this.shared;
    if (shared && this.redis.ready) {
      try {
        await this.redis.runOrThrow(() => shared.consume(key));
        this.noteFallback(false);
        return { limiter: shared };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return { limiter: shared, refused: error };
        }
        this.noteFallback(true, error);
      }
    }
    try {
      await this.local.consume(key);
      return { limiter: this.local };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        return { limiter: this.local, refused: error };
      }
      throw error;
    }
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
