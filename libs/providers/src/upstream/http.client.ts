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
import { UpstreamTransport, type StreamedResponse, type TransportResponse } from './upstream.transport';
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

/** A GET whose body is streamed to `consume` (cover images), each redirect hop vetted by the caller. */
export interface StreamCall<T> {
  url: URL;
  accept: string;
  /** Deadline of one attempt, body included. */
  timeoutMs: number;
  maxRedirects: number;
  /** The URL to ask next for a redirect's Location (e.g. upgraded to https), or undefined to refuse it. */
  redirect: (location: URL) => URL | undefined;
  /** Reads a 2xx answer's body; called afresh for each attempt. */
  consume: (response: StreamedResponse) => Promise<T>;
}

type Hop<T> = { value: T } | { next: URL };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function header(response: Pick<TransportResponse, 'headers'>, name: string): string | undefined {
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
 * The one HTTP client of the provider gateway. Each call goes through the provider's retry policy and
 * breaker, waits for its rate-limit slot, runs with the provider's timeouts and size cap, and comes back as
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
    const caller = await currentProviderCaller();
    await this.budget.charge(caller);
    return this.guarded(provider, idempotent, () => this.attempt(config, call, caller.key));
  }

  /** A streamed GET with the same User-Agent, rate limit, retries, breaker, status and metrics as `request`. */
  async stream<T>(provider: ProviderName, call: StreamCall<T>): Promise<T> {
    const config = this.registry.get(provider);
    if (!config.enabled) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${provider} is disabled (not configured)`);
    }
    const caller = await currentProviderCaller();
    await this.budget.charge(caller);
    return this.guarded(provider, true, () => this.attemptStream(config, call, caller.key));
  }

  private async guarded<T>(provider: ProviderName, idempotent: boolean, attempt: () => Promise<T>): Promise<T> {
    try {
      const result = await this.policies.execute(provider, idempotent, attempt);
      this.status.recordSuccess(provider);
      this.metrics.recordRequest(provider, 'success');
      return result;
    } catch (error) {
      const mapped = toDomainError(
        provider,
        error,
        this.policies.msUntilProbe(provider),
        this.policies.openedBy(provider),
      );
      this.metrics.recordRequest(provider, providerOutcomeOf(mapped));
      if (mapped.code === ErrorCode.NOT_FOUND) {
        this.status.recordSuccess(provider);
      } else {
        this.status.recordError(provider, mapped.message);
      }
      throw mapped;
    }
  }

  /** Waits for the provider's rate-limit slot; resolves with when the call itself starts. */
  private async slot(provider: ProviderName, caller: string): Promise<number> {
    const waitStarted = performance.now();
    await this.limiter.acquire(provider, caller);
    const started = performance.now();
    this.metrics.observeLimiterWait(provider, (started - waitStarted) / 1000);
    return started;
  }

  private recordLatency(provider: ProviderName, started: number): void {
    const elapsed = performance.now() - started;
    this.status.recordLatency(provider, elapsed);
    this.metrics.observeLatency(provider, elapsed / 1000);
  }

  private async attemptStream<T>(config: ProviderConfig, call: StreamCall<T>, caller: string): Promise<T> {
    const started = await this.slot(config.name, caller);
    let url = call.url;
    for (let hop = 0; hop <= call.maxRedirects; hop += 1) {
      const request = { method: 'GET' as const, url, timeoutMs: call.timeoutMs };
      const headers = { accept: call.accept, 'user-agent': this.userAgent };
      const outcome = await this.transport.stream({ ...request, headers }, (response) => this.hop(url, response, call));
      if ('value' in outcome) {
        this.recordLatency(config.name, started);
        return outcome.value;
      }
      const next = call.redirect(outcome.next);
      if (next === undefined) {
        throw new UpstreamFailure('invalid-body', `redirect to ${outcome.next.host} refused`);
      }
      url = next;
    }
    throw new UpstreamFailure('invalid-body', `more than ${call.maxRedirects} redirects`);
  }

  private async hop<T>(url: URL, response: StreamedResponse, call: StreamCall<T>): Promise<Hop<T>> {
    const location = header(response, 'location');
    if (REDIRECT_STATUSES.has(response.status) && location !== undefined) {
      return { next: new URL(location, url) };
    }
    if (response.status >= 400) {
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), Date.now());
      const message = response.status === 404 ? 'not found' : `answered HTTP ${response.status}`;
      throw UpstreamFailure.status(response.status, retryAfterMs, message);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new UpstreamFailure('invalid-body', `unexpected HTTP ${response.status}`, { status: response.status });
    }
    return { value: await call.consume(response) };
  }

  private async attempt<T>(config: ProviderConfig, call: UpstreamCall<T>, caller: string): Promise<T> {
    const started = await this.slot(config.name, caller);
    const response = await this.transport.send({
      method: call.method ?? 'GET',
      url: this.url(config, call),
      headers: { accept: 'application/json', 'user-agent': this.userAgent, ...call.headers },
      body: call.body,
      timeoutMs: config.timeoutMs,
      maxBytes: this.settings.PROVIDER_MAX_RESPONSE_BYTES,
      redirects: this.redirectPolicy(config, call),
    });
    this.recordLatency(config.name, started);
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
