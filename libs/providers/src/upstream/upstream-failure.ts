import { DomainError, ErrorCode } from '@app/core';
import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import { UnexpectedShapeError } from './json-reader';

export type FailureKind =
  'timeout' | 'connection' | 'status' | 'too-large' | 'invalid-body' | 'queue-full' | 'redirect';

interface FailureDetails {
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Plain words for the socket errors a user meets first (no network, a proxy, a firewall); the code stays. */
const CONNECTION_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'host name not found: no network or DNS?',
  EAI_AGAIN: 'DNS lookup failed for now',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** What went wrong talking to a provider, before it is mapped to a DomainError for the caller. */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    readonly kind: FailureKind,
    message: string,
    details: FailureDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  static status(status: number, retryAfterMs?: number, message = `answered HTTP ${status}`): UpstreamFailure {
    return new UpstreamFailure('status', message, { status, retryAfterMs });
  }

  /** The socket failed before an answer: `code` (ENOTFOUND...) when the error has one, else its message. */
  static connection(code: string | undefined, message: string, cause: unknown): UpstreamFailure {
    const gloss = code === undefined ? undefined : CONNECTION_ERRORS[code];
    const what = code === undefined ? message : gloss === undefined ? code : `${code}, ${gloss}`;
    return new UpstreamFailure('connection', `connection failed (${what})`, { cause });
  }

  /** Worth another attempt for an idempotent call: connection trouble, 502/503/504, and throttling. */
  get retryable(): boolean {
    if (this.kind === 'connection') {
      return true;
    }
    return this.kind === 'status' && [429, 502, 503, 504].includes(this.status ?? 0);
  }

  /** Counts towards opening the breaker: the provider is broken, not merely saying no. */
  get breaksCircuit(): boolean {
    if (this.kind === 'status') {
      return (this.status ?? 0) >= 500;
    }
    return this.kind !== 'queue-full';
  }
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}

function fromFailure(provider: string, failure: UpstreamFailure): DomainError {
  const options = { cause: failure, retryAfterSeconds: seconds(failure.retryAfterMs) };
  const status = failure.status ?? 0;
  if (failure.kind === 'timeout') {
    return new DomainError(ErrorCode.UPSTREAM_TIMEOUT, `${provider} did not answer in time`, { cause: failure });
  }
  if (failure.kind === 'status' && status === 404) {
    return new DomainError(ErrorCode.NOT_FOUND, `${provider}: ${failure.message}`, { cause: failure });
  }
  if (failure.kind === 'status' && status === 400) {
    return new DomainError(ErrorCode.INVALID_ARGUMENT, `${provider} rejected the request: ${failure.message}`, {
      cause: failure,
    });
  }
  if (failure.kind === 'status' && status === 429) {
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${provider} is throttling requests`, options);
  }
  return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${provider} is unavailable: ${failure.message}`, options);
}

/**
 * The one mapping from a provider failure to the error callers see; never INTERNAL: provider 404 →
 * NOT_FOUND, timeout → UPSTREAM_TIMEOUT, everything else (open breaker, 5xx, throttling, garbage) →
 * UPSTREAM_UNAVAILABLE. Messages name the provider.
 */
export function toDomainError(
  provider: string,
  error: unknown,
  breakerRetryAfterMs?: number,
  breakerOpenedBy?: string,
): DomainError {
  if (error instanceof DomainError) {
    return error;
  }
  if (error instanceof UpstreamFailure) {
    return fromFailure(provider, error);
  }
  if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
    // "circuit open" alone is jargon to a caller who never saw the provider fail: say why it is not asked,
    // and what the failure was (with no network, every call after the first few would otherwise hide ENOTFOUND).
    const wait = seconds(breakerRetryAfterMs);
    const pause = wait === undefined ? 'for a while' : `for ${wait} s`;
    const cause = breakerOpenedBy === undefined ? '' : ` (last: ${breakerOpenedBy})`;
    return new DomainError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `${provider} is unavailable: its last calls failed${cause}, so it is not asked again ${pause} (circuit open)`,
      { cause: error, retryAfterSeconds: wait },
    );
  }
  if (error instanceof UnexpectedShapeError) {
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${provider} sent an unexpected answer: ${error.message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${provider} call failed: ${message}`, { cause: error });
}
