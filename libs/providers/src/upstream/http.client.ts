import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import { ProviderMetrics, providerOutcomeOf } from './provider.metrics';
import type { ProviderName } from '../domain/music.model';
import { ProviderRateLimiter } from './provider-rate.limiter';
import { providersSettings, type ProvidersSettings } from '../providers.settings';
import { ProviderRegistry, type ProviderConfig } from '../application/provider.registry';
import { ProviderPolicies } from './provider-policies';
import { ProviderStatusService } from '../application/provider-status.service';
import { UnexpectedShapeError } from './json-reader';
import { toDomainError, UpstreamFailure } from './upstream-failure';
import { UpstreamTransport, type TransportResponse } from './upstream.transport';
import { chorusUserAgent } from './user-agent';
import { CallerBudget, currentProviderCaller } from './caller-budget';
import type { RedirectPolicy } from './redirect-policy';

export type QueryValue = string | number | undefined;

export interface UpstreamCall<T> {
  /** Appended to the provider's base URL, e.g. `/ws/2/artist/<mbid>`. */
  path: string;
  query?: Record<string, QueryValue>;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Replaces the provider's base URL (Spotify's accounts service). */
  baseUrl?: string;
  /** Whether a failed attempt may be repeated; GET calls are, unless told otherwise. */
  idempotent?: boolean;
  /** Non-2xx statuses that are an answer, not an error (Cover Art Archive's 404 = no art); body not parsed. */
  acceptStatuses?: number[];
  /**
   * Turns the parsed JSON (`undefined` for an accepted non-2xx status) into the result. May throw
   * `UnexpectedShapeError` (a structurally wrong answer) or `UpstreamFailure` (errors inside a 200).
   */
  parse: (json: unknown, status: number) => T;
}

function header(response: TransportResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The one HTTP client of the provider gateway. Each call takes a point of its caller's budget (the moment a
 * provider is really needed: answers kept anywhere never get here), goes through the provider's retry policy and
 * breaker, waits for its rate-limit slot in its caller's lane, runs with the provider's timeouts and size cap, and comes back as
 * the adapter's parsed result or a DomainError naming the provider (never INTERNAL).
 */
@Injectable()
export class HttpClient {
  private readonly userAgent: string;

  constructor(
    @Inject(providersSettings.KEY) private readonly settings: ProvidersSettings,
    private readonly registry: ProviderRegistry,
    private readonly policies: ProviderPolicies,
    private readonly limiter: ProviderRateLimiter,
    private readonly transport: UpstreamTransport,
    private readonly status: ProviderStatusService,
    private readonly metrics: ProviderMetrics,
    private readonly budget: CallerBudget,
  ) {
    this.userAgent = chorusUserAgent(settings.CHORUS_CONTACT);
  }

  async request<T>(provider: ProviderName, call: UpstreamCall<T>): Promise<T> {
    const config = this.registry.get(provider);
    if (!config.enabled) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${provider} is disabled (not configured)`);
    }
    const idempotent = call.idempotent ?? (call.method ?? 'GET') === 'GET';
    const caller = currentProviderCaller();
    await this.budget.charge(caller);
    try {
      const result = await this.policies.execute(provider, idempotent, () => this.attempt(config, call, caller.key));
      this.status.recordSuccess(provider);
      this.metrics.recordRequest(provider, 'success');
      return result;
    } catch (error) {
      const mapped = toDomainError(provider, error, this.policies.msUntilProbe(provider));
      this.metrics.recordRequest(provider, providerOutcomeOf(mapped));
      if (mapped.code === ErrorCode.NOT_FOUND) {
        this.status.recordSuccess(provider);
      } else {
        this.status.recordError(provider, mapped.message);
      }
      throw mapped;
    }
  }

  private async attempt<T>(config: ProviderConfig, call: UpstreamCall<T>, caller: string): Promise<T> {
    const waitStarted = performance.now();
    await this.limiter.acquire(config.name, caller);
    const started = performance.now();
    this.metrics.observeLimiterWait(config.name, (started - waitStarted) / 1000);
    const response = await this.transport.send({
      method: call.method ?? 'GET',
      url: this.url(config, call),
      headers: { accept: 'application/json', 'user-agent': this.userAgent, ...call.headers },
      body: call.body,
      timeoutMs: config.timeoutMs,
      maxBytes: this.settings.PROVIDER_MAX_RESPONSE_BYTES,
      redirects: this.redirectPolicy(config, call),
    });
    const elapsed = performance.now() - started;
    this.status.recordLatency(config.name, elapsed);
    this.metrics.observeLatency(config.name, elapsed / 1000);
    return this.interpret(response, call);
  }

  private redirectPolicy(config: ProviderConfig, call: UpstreamCall<unknown>): RedirectPolicy {
    const ownHosts = [config.baseUrl, call.baseUrl ?? config.baseUrl].map((url) => new URL(url).host.toLowerCase());
    return { ownHosts, knownHosts: config.redirectHosts };
  }

  private url(config: ProviderConfig, call: UpstreamCall<unknown>): URL {
    const url = new URL(`${call.baseUrl ?? config.baseUrl}${call.path}`);
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    return url;
  }

  private interpret<T>(response: TransportResponse, call: UpstreamCall<T>): T {
    const { status } = response;
    if ((status < 200 || status >= 300) && call.acceptStatuses?.includes(status)) {
      return call.parse(undefined, status);
    }
    if (status >= 400) {
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), Date.now());
      throw UpstreamFailure.status(status, retryAfterMs, status === 404 ? 'not found' : `answered HTTP ${status}`);
    }
    if (status < 200 || status >= 300) {
      throw new UpstreamFailure('invalid-body', `unexpected HTTP ${status}`, { status });
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch (error) {
      throw new UpstreamFailure('invalid-body', 'answer is not valid JSON', { cause: error });
    }
    try {
      return call.parse(json, status);
    } catch (error) {
      if (error instanceof UnexpectedShapeError) {
        throw new UpstreamFailure('invalid-body', `unexpected answer (${error.message})`, { cause: error });
      }
      throw error;
    }
  }
}
