export enum ErrorCode {
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  INTERNAL = 'INTERNAL',
}

export interface FieldViolation {
  field: string;
  message: string;
}

/**
 * A caller's budget that ran out (draft-ietf-httpapi-ratelimit-headers): the transports render it as
 * `RateLimit-Policy` / `RateLimit` headers (REST) or metadata (gRPC).
 */
export interface RateLimitState {
  /** The policy's name, e.g. `provider`. */
  policy: string;
  /** Quota units per window. */
  quota: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the quota is restored. */
  resetSeconds: number;
}

export interface DomainErrorOptions {
  violations?: FieldViolation[];
  /** Seconds a client should wait before retrying (RATE_LIMITED, UPSTREAM_UNAVAILABLE). */
  retryAfterSeconds?: number;
  cause?: unknown;
  /** Extra members of the problem document (REST only), e.g. the failing health checks. */
  extensions?: Record<string, unknown>;
  /** With RATE_LIMITED: the budget that ran out. */
  rateLimit?: RateLimitState;
}

/** The one error type services throw; the exception filter maps its code to each transport. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly violations: FieldViolation[];
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;
  readonly rateLimit?: RateLimitState;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.violations = options.violations ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extensions = options.extensions;
    this.rateLimit = options.rateLimit;
  }

  static invalid(field: string, message: string): DomainError {
    return new DomainError(ErrorCode.INVALID_ARGUMENT, `${field}: ${message}`, { violations: [{ field, message }] });
  }

  static notFound(message: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, message);
  }

  static unauthenticated(message = 'Authentication required'): DomainError {
    return new DomainError(ErrorCode.UNAUTHENTICATED, message);
  }

  static permissionDenied(message = 'Not allowed'): DomainError {
    return new DomainError(ErrorCode.PERMISSION_DENIED, message);
  }
}

/**
 * The caller's own RATE_LIMITED among the outcomes of a fan-out, if any: it fails the whole request (429)
 * rather than showing up as one provider's failure in a PARTIAL answer.
 */
export function rateLimitedAmong(outcomes: readonly PromiseSettledResult<unknown>[]): DomainError | undefined {
  for (const outcome of outcomes) {
    if (
      outcome.status === 'rejected' &&
      outcome.reason instanceof DomainError &&
      outcome.reason.code === ErrorCode.RATE_LIMITED
    ) {
      return outcome.reason;
    }
  }
  return undefined;
}
