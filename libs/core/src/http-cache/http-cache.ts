import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import CachePolicy from 'http-cache-semantics';
import { LRUCache } from 'lru-cache';
import { httpSettings, type HttpSettings } from '../config/core.settings';
import { API_SECURITY_HEADERS } from '../lifecycle/security-headers';
import { Clock } from '../time/clock';
import { HttpCacheMetrics } from './http-cache.metrics';

/** A kept answer: the bytes sent and the headers that describe them, with the RFC 9111 policy they came with. */
export interface CachedAnswer {
  body: Buffer;
  /** Response headers minus the per-request and hop-by-hop ones (request id, connection, CORS, security headers). */
  headers: Readonly<Record<string, string>>;
  etag?: string;
  policy: CachePolicy;
  /** The policy's freshness lifetime, shortened to the answer's own freshUntil when the app told one. */
  expiresAt: number;
  /**
   * When the answer's age was 0 (ms): the policy's age() at store time, taken back from then. Age grows with the
   * clock alone (RFC 9111 §4.2.3), so a hit computes it from this instead of asking the policy again.
   */
  bornAt: number;
  /** The policy needs the request to decide (Vary); otherwise freshness alone decides. */
  varies: boolean;
  /** The route's template (`/v1/artists/:id`), the label a hit is counted and logged under. */
  route: string;
}

export interface HttpCacheHit {
  answer: CachedAnswer;
  /** Seconds, for the Age header. */
  age: number;
}

/** Response headers as Fastify's reply.getHeaders() gives them. */
export type ResponseHeaders = Readonly<Record<string, string | number | string[] | undefined>>;

/**
 * RFC 9211 Cache-Status members of this cache, named `chorus-http` (the app's own tiers are `chorus-app`). They
 * are appended to the member the app sent, so the list reads from the origin side to the client side.
 */
export const CACHE_STATUS_HIT = 'chorus-http; hit';
export const CACHE_STATUS_STORED = 'chorus-http; fwd=miss; stored';

/** The Cache-Status field with this cache's member appended to what the app (or another cache) said. */
export function withCacheStatus(existing: string | number | string[] | undefined, member: string): string {
  const before = Array.isArray(existing) ? existing.join(', ') : existing;
  return before === undefined || before === '' ? member : `${before}, ${member}`;
}

/**
 * What a kept answer weighs besides its body: its headers object, the policy with its parsed directives, the LRU
 * node, the URL → key memo entry. Measured: 15 000 kept ~1 KB answers grew RSS by ~67 MB (bench, case variants),
 * about 3.5 KB each beyond the body, so the byte budget counts that much.
 */
const ENTRY_OVERHEAD_BYTES = 3_584;
/** The share of the budget for the raw URL → key memo (small strings, many of them). */
const KEY_MEMO_SHARE = 1 / 16;
/** One answer never takes more than this share of the budget, so a large image cannot flush every lookup. */
const MAX_ENTRY_SHARE = 1 / 8;

/**
 * Headers a kept answer never carries into another request: the per-request ones and the security headers (the
 * edge's onRequest hook sets them on every answer before this cache looks, hits included: keeping them would set
 * each twice per hit) and the hop-by-hop ones (RFC 9110 §7.6.1).
 */
const NOT_KEPT = new Set([
  ...Object.keys(API_SECURITY_HEADERS),
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'date',
  'age',
  'x-request-id',
  'set-cookie',
]);

/** Request headers that can turn a fresh entry into a miss (RFC 9111 §5.2.1, §5.4). */
function asksForRevalidation(headers: IncomingHttpHeaders): boolean {
  return headers['cache-control'] !== undefined || headers.pragma !== undefined;
}

/** The headers every hit of this answer carries: a hit is served from memory, whatever the first answer was. */
function keptHeaders(headers: ResponseHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_KEPT.has(name) && !name.startsWith('access-control-')) {
      kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  kept['cache-status'] = withCacheStatus(kept['cache-status'], CACHE_STATUS_HIT);
  if (kept['x-cache'] !== undefined) {
    kept['x-cache'] = 'HIT';
  }
  return kept;
}

/** Only the request headers the policy may look at: never the credentials, the host or the whole header set. */
function policyRequest(key: string, headers: IncomingHttpHeaders, vary: string | undefined): CachePolicy.Request {
  const picked: CachePolicy.Headers = {
    'cache-control': headers['cache-control'],
    pragma: headers.pragma,
  };
  for (const name of (vary ?? '').split(',')) {
    const field = name.trim().toLowerCase();
    if (field !== '') {
      picked[field] = headers[field];
    }
  }
  return { method: 'GET', url: key, headers: picked };
}

/** A private copy of the bytes: a pooled Buffer slice would keep its whole 8 KiB slab alive after eviction. */
function ownBytes(payload: string | Buffer): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const bytes = Buffer.allocUnsafeSlow(length);
  if (typeof payload === 'string') {
    bytes.write(payload);
  } else {
    payload.copy(bytes);
  }
  return bytes;
}

function weigh(key: string, answer: CachedAnswer): number {
  let bytes = ENTRY_OVERHEAD_BYTES + answer.body.length + key.length;
  for (const [name, value] of Object.entries(answer.headers)) {
    bytes += name.length + value.length;
  }
  return bytes;
}

export interface AnswerToKeep {
  status: number;
  requestHeaders: IncomingHttpHeaders;
  responseHeaders: ResponseHeaders;
  payload: string | Buffer;
  /** The answer's own expiry (ms since epoch) when the app told one; the cache never keeps it longer. */
  freshUntil?: number;
  /** The route's template, for the hits' metrics and access log. */
  route: string;
}

/**
 * The shared cache in front of the app (RFC 9111): keeps 200 answers to GET requests without credentials that
 * the app marked `Cache-Control: public`, under the normalized request (see RequestKeys), within a byte budget
 * (HTTP_CACHE_MAX_BYTES, least recently used first out). Freshness, Age and what a request may accept come from
 * http-cache-semantics; an entry never outlives the answer's own freshUntil. A purge empties it (clear()).
 */
@Injectable()
export class HttpCache {
  readonly enabled: boolean;
  private readonly entries?: LRUCache<string, CachedAnswer>;
  /** Raw URL → normalized key, so a repeated question skips validation. */
  private readonly keys?: LRUCache<string, string>;
  private readonly Policy: typeof CachePolicy;

  constructor(
    @Inject(httpSettings.KEY) settings: HttpSettings,
    private readonly clock: Clock,
    private readonly metrics: HttpCacheMetrics,
  ) {
    const budget = settings.HTTP_CACHE_MAX_BYTES;
    this.enabled = budget > 0;
    // http-cache-semantics reads time through its own now(); this one reads the injected Clock.
    this.Policy = class extends CachePolicy {
      // Not in the typings, but the library's documented hook for its clock.
      now(): number {
        return clock.nowMs();
      }
    };
    if (!this.enabled) {
      return;
    }
    const memoBytes = Math.max(1, Math.floor(budget * KEY_MEMO_SHARE));
    this.entries = new LRUCache<string, CachedAnswer>({
      maxSize: Math.max(1, budget - memoBytes),
      maxEntrySize: Math.max(1, Math.floor(budget * MAX_ENTRY_SHARE)),
      sizeCalculation: (answer, key) => weigh(key, answer),
      dispose: (_answer, _key, reason) => {
        if (reason === 'evict') {
          metrics.evicted();
        }
      },
    });
    this.keys = new LRUCache<string, string>({
      maxSize: memoBytes,
      sizeCalculation: (key, url) => 64 + url.length + key.length,
    });
    metrics.watchBytes(() => this.entries?.calculatedSize ?? 0);
  }

  /** The normalized key this raw URL was given before, if remembered. */
  knownKey(url: string): string | undefined {
    return this.keys?.get(url);
  }

  rememberKey(url: string, key: string): void {
    this.keys?.set(url, key);
  }

  /** A fresh kept answer this request may be given as is, or undefined (a miss, counted). */
  lookup(key: string, requestHeaders: IncomingHttpHeaders): HttpCacheHit | undefined {
    const answer = this.entries?.get(key);
    const now = this.clock.nowMs();
    if (answer !== undefined && answer.expiresAt <= now) {
      this.entries?.delete(key);
    } else if (answer !== undefined && this.acceptable(key, answer, requestHeaders)) {
      this.metrics.hit();
      return { answer, age: Math.floor((now - answer.bornAt) / 1000) };
    }
    this.metrics.miss();
    return undefined;
  }

  /**
   * A fresh kept answer for a raw URL already mapped to its key, this request may be given as is; counted as a hit
   * when found, not counted otherwise (the caller then hands the request to the app, whose lookup counts it).
   */
  peekUrl(url: string, requestHeaders: IncomingHttpHeaders): HttpCacheHit | undefined {
    const key = this.keys?.get(url);
    const answer = key === undefined ? undefined : this.entries?.get(key);
    if (key === undefined || answer === undefined) {
      return undefined;
    }
    const now = this.clock.nowMs();
    if (answer.expiresAt <= now || !this.acceptable(key, answer, requestHeaders)) {
      return undefined;
    }
    this.metrics.hit();
    return { answer, age: Math.floor((now - answer.bornAt) / 1000) };
  }

  /** Keeps the answer if RFC 9111 and Chorus's rules allow it; true when kept. */
  store(key: string, toKeep: AnswerToKeep): boolean {
    const { status, requestHeaders, responseHeaders } = toKeep;
    if (!this.entries || status !== 200 || !this.isPublic(responseHeaders)) {
      return false;
    }
    if (requestHeaders.authorization !== undefined || requestHeaders.cookie !== undefined) {
      return false;
    }
    if (responseHeaders['set-cookie'] !== undefined) {
      return false;
    }
    const headers = keptHeaders(responseHeaders);
    const vary = headers.vary;
    const policy = new this.Policy(policyRequest(key, requestHeaders, vary), { status, headers }, { shared: true });
    const now = this.clock.nowMs();
    const expiresAt = Math.min(now + policy.timeToLive(), toKeep.freshUntil ?? Number.POSITIVE_INFINITY);
    // must-revalidate: RFC 9111 lets a cache use it only after asking the origin, which this one never does.
    if (!policy.storable() || expiresAt <= now || /must-revalidate|no-cache/.test(headers['cache-control'])) {
      return false;
    }
    const etag = headers.etag;
    const answer: CachedAnswer = {
      body: ownBytes(toKeep.payload),
      headers,
      etag,
      policy,
      expiresAt,
      bornAt: now - policy.age() * 1000,
      varies: !!vary,
      route: toKeep.route,
    };
    this.entries.set(key, answer);
    const kept = this.entries.has(key);
    if (kept) {
      this.metrics.stored();
    }
    return kept;
  }

  /** Forgets every kept answer (a purge): answers are cheap to rebuild, key → entity bookkeeping is not. */
  clear(): void {
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }

  /**
   * Freshness was checked already; without Vary and without request directives the policy's answer is that
   * same freshness, so the common hit skips building a request for it.
   */
  private acceptable(key: string, answer: CachedAnswer, requestHeaders: IncomingHttpHeaders): boolean {
    if (!answer.varies && !asksForRevalidation(requestHeaders)) {
      return true;
    }
    return answer.policy.satisfiesWithoutRevalidation(policyRequest(key, requestHeaders, answer.headers.vary));
  }

  private isPublic(headers: ResponseHeaders): boolean {
    const cacheControl = headers['cache-control'];
    return typeof cacheControl === 'string' && /(^|[\s,])public([\s,]|$)/i.test(cacheControl);
  }
}
