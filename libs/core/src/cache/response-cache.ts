import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { redisSettings, type RedisSettings } from '../config/core.settings';
import type { EncodedMessage } from '../transport/encoded-message';

/** A finished REST answer, kept as bytes: replaying it costs no routing, validation, lookup or serialization. */
export interface CachedResponse {
  body: string;
  etag: string;
  /** Every header the answer carries apart from the per-request ones (request id, security headers). */
  headers: Readonly<Record<string, string>>;
  expiresAt: number;
}

/** A finished gRPC answer: the response message (grpc-js serializes it per call) and its metadata entries. */
export interface CachedRpcResponse {
  /** Serialized once, when kept. */
  message: EncodedMessage;
  metadata: Readonly<Record<string, string>>;
  expiresAt: number;
}

/**
 * Whole answers of public lookups, replayed before Nest's pipeline runs, keyed by the exact question (REST: the
 * request URL; gRPC: method path and request message). They follow the L1 rules (CACHE_L1_TTL_MS,
 * CACHE_L1_MAX_ITEMS, so replicas converge as fast as L1 does) and never outlive the answer's own freshness.
 * Any cache delete (an admin purge) empties them: purges are rare, answers are cheap to rebuild from L1/L2, and
 * question → cache key bookkeeping would cost every request.
 */
export class ReplayCache<T extends { expiresAt: number }> {
  private readonly entries = new Map<string, T>();
  readonly enabled: boolean;
  private readonly maxItems: number;
  private readonly ttlMs: number;

  constructor(settings: RedisSettings, on = true) {
    this.maxItems = settings.CACHE_L1_MAX_ITEMS;
    this.ttlMs = settings.CACHE_L1_TTL_MS;
    this.enabled = on && this.maxItems > 0 && this.ttlMs > 0;
  }

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps an answer until `freshUntil` (the answer's own expiry) or the L1 TTL, whichever comes first. */
  put(key: string, answer: Omit<T, 'expiresAt'>, freshUntil: number, now = Date.now()): void {
    const expiresAt = Math.min(freshUntil, now + this.ttlMs);
    if (!this.enabled || expiresAt <= now) {
      return;
    }
    this.entries.delete(key);
    if (this.entries.size >= this.maxItems) {
      // Map iteration order is insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.entries.delete(oldest.value);
      }
    }
    this.entries.set(key, { ...answer, expiresAt } as T);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * REST answers by request URL: always off, the HTTP cache (http-cache/) keeps REST answers now. What is left of
 * it goes with the hooks that still call it.
 */
@Injectable()
export class ResponseCache extends ReplayCache<CachedResponse> {
  constructor(@Inject(redisSettings.KEY) settings: RedisSettings) {
    super(settings, false);
  }
}

/** Equal requests decode to equal objects (same proto, same loader options), so their JSON is equal too. */
function rpcKey(path: string, request: unknown): string {
  return `${path} ${JSON.stringify(request)}`;
}

/**
 * gRPC answers by method path and request message. Only methods that ever kept an answer are looked up, so
 * every other call (a login among them) is never serialized into a key.
 */
@Injectable()
export class RpcResponseCache extends ReplayCache<CachedRpcResponse> {
  private readonly methods = new Set<string>();

  constructor(@Inject(redisSettings.KEY) settings: RedisSettings) {
    super(settings);
  }

  find(path: string, request: unknown): CachedRpcResponse | undefined {
    return this.methods.has(path) ? this.get(rpcKey(path, request)) : undefined;
  }

  keep(path: string, request: unknown, answer: Omit<CachedRpcResponse, 'expiresAt'>, freshUntil: number): void {
    if (this.enabled) {
      this.methods.add(path);
      this.put(rpcKey(path, request), answer, freshUntil);
    }
  }

  override clear(): void {
    this.methods.clear();
    super.clear();
  }
}

/** A weak validator over the exact bytes sent. */
export function etagOf(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

/** RFC 9110 If-None-Match (weak comparison): a list of tags, or `*`. */
export function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') {
    return false;
  }
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === etag || trimmed === '*' || trimmed.replace(/^W\//, '') === etag.replace(/^W\//, '');
  });
}
