import type { Answer, Freshness } from './answer';

/** RFC 9111 caps what a cache must honour; a year is also what an answer that never changes may claim. */
const MAX_AGE_CAP_SECONDS = 31_536_000;

/**
 * `x-cache` (the short form clients have used so far) and RFC 9211 `cache-status` for each freshness. The app's
 * own cache tiers (L1, Redis, PostgreSQL) answer as one cache named `chorus-app`; the HTTP cache in front of the
 * app is `chorus-http` and appends its member after this one (RFC 9211: each cache names itself, the last member
 * is the cache closest to the client).
 */
export const FRESHNESS_META: Readonly<Record<Freshness, Readonly<Record<'x-cache' | 'cache-status', string>>>> = {
  HIT: { 'x-cache': 'HIT', 'cache-status': 'chorus-app; hit' },
  STALE: { 'x-cache': 'STALE', 'cache-status': 'chorus-app; hit; detail=stale' },
  MISS: { 'x-cache': 'MISS', 'cache-status': 'chorus-app; fwd=miss; stored' },
};

export interface AnswerPolicyInput {
  answer: Pick<Answer<unknown>, 'freshness' | 'freshUntil' | 'status'>;
  /** ms since epoch. */
  now: number;
  /** A signed-in caller asked: what it gets may be shaped by who it is, so no shared cache may keep it. */
  signedIn: boolean;
}

/**
 * How clients and shared caches may keep an answer (REST Cache-Control), from what the answer says about itself:
 * - PARTIAL (some source was down) or an answer that must not be kept (freshUntil 0): `no-store`, so it is asked
 *   again and the missing part can appear;
 * - STALE, or fresh no longer: `max-age=0, must-revalidate` (kept, but checked with the ETag first);
 * - fresh: `max-age` = what is left of its freshness, so no cache keeps it past `freshUntil`;
 * - `private` instead of `public` when a caller is signed in.
 */
export function cacheControlFor({ answer, now, signedIn }: AnswerPolicyInput): string {
  if (answer.status === 'PARTIAL' || answer.freshUntil <= 0) {
    return 'no-store';
  }
  const scope = signedIn ? 'private' : 'public';
  const remaining = Math.floor((answer.freshUntil - now) / 1_000);
  if (answer.freshness === 'STALE' || remaining <= 0) {
    return `${scope}, max-age=0, must-revalidate`;
  }
  return `${scope}, max-age=${Math.min(remaining, MAX_AGE_CAP_SECONDS)}`;
}
