import { requestContext, type Freshness } from '@app/core';

/** `x-cache` plus RFC 9211 `cache-status` for each freshness. */
export const FRESHNESS_HEADERS: Readonly<Record<Freshness, Readonly<Record<'x-cache' | 'cache-status', string>>>> = {
  HIT: { 'x-cache': 'HIT', 'cache-status': 'chorus; hit' },
  STALE: { 'x-cache': 'STALE', 'cache-status': 'chorus; hit; detail=stale' },
  MISS: { 'x-cache': 'MISS', 'cache-status': 'chorus; fwd=miss; stored' },
};

/** The freshness headers as HTTP headers or gRPC metadata of the current call. */
export function markFreshness(freshness: Freshness): void {
  for (const [key, value] of Object.entries(FRESHNESS_HEADERS[freshness])) {
    requestContext.setResponseMeta(key, value);
  }
}
