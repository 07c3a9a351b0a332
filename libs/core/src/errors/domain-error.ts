export enum ErrorCode {
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  INTERNAL = 'INTERNAL',
}

export interface FieldViolation {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  violations?: FieldViolation[];
  /** Seconds a client should wait before retrying (RATE_LIMITED, UPSTREAM_UNAVAILABLE). */
  retryAfterSeconds?: number;
  cause?: unknown;
  /** Extra members of the problem document (REST only), e.g. the failing health checks. */
  extensions?: Record<string, unknown>;
}

/** The one error type services throw; the exception filter maps its code to each transport. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly violations: FieldViolation[];
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.violations = options.violations ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extensions = options.extensions;
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
