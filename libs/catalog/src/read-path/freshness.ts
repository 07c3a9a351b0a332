import { requestContext } from '@app/core';
import type { Freshness } from './read-through.service';

/** An answer built from several reads is as fresh as its least fresh part. */
export function combineFreshness(parts: Freshness[]): Freshness {
  return parts.includes('MISS') ? 'MISS' : parts.includes('STALE') ? 'STALE' : 'HIT';
}

const CACHE_STATUS: Record<Freshness, string> = {
  HIT: 'chorus; hit',
  STALE: 'chorus; hit; detail=stale',
  MISS: 'chorus; fwd=miss; stored',
};

/** `x-cache` plus RFC 9211 `cache-status`, as HTTP headers or gRPC metadata of the current call. */
export function markFreshness(freshness: Freshness): void {
  requestContext.setResponseMeta('x-cache', freshness);
  requestContext.setResponseMeta('cache-status', CACHE_STATUS[freshness]);
}
