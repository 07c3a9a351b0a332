import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorCode } from './domain-error';

function assertUnreachable(value: never): never {
  throw new Error(`Unmapped error code: ${String(value)}`);
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.INVALID_ARGUMENT:
      return 400;
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.PERMISSION_DENIED:
      return 403;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.ALREADY_EXISTS:
      return 409;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.UPSTREAM_UNAVAILABLE:
      return 503;
    case ErrorCode.UPSTREAM_TIMEOUT:
      return 504;
    case ErrorCode.INTERNAL:
      return 500;
    default:
      return assertUnreachable(code);
  }
}

export function grpcStatusOf(code: ErrorCode): GrpcStatus {
  switch (code) {
    // A gRPC call has no content type of its own to refuse: UNSUPPORTED_MEDIA_TYPE is mapped for exhaustiveness.
    case ErrorCode.INVALID_ARGUMENT:
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return GrpcStatus.INVALID_ARGUMENT;
    case ErrorCode.UNAUTHENTICATED:
      return GrpcStatus.UNAUTHENTICATED;
    case ErrorCode.PERMISSION_DENIED:
      return GrpcStatus.PERMISSION_DENIED;
    case ErrorCode.NOT_FOUND:
      return GrpcStatus.NOT_FOUND;
    case ErrorCode.ALREADY_EXISTS:
      return GrpcStatus.ALREADY_EXISTS;
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.RATE_LIMITED:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case ErrorCode.UPSTREAM_UNAVAILABLE:
      return GrpcStatus.UNAVAILABLE;
    case ErrorCode.UPSTREAM_TIMEOUT:
      return GrpcStatus.DEADLINE_EXCEEDED;
    case ErrorCode.INTERNAL:
      return GrpcStatus.INTERNAL;
    default:
      return assertUnreachable(code);
  }
}

const TITLES: Record<ErrorCode, string> = {
  [ErrorCode.INVALID_ARGUMENT]: 'Invalid argument',
  [ErrorCode.UNAUTHENTICATED]: 'Unauthenticated',
  [ErrorCode.PERMISSION_DENIED]: 'Permission denied',
  [ErrorCode.NOT_FOUND]: 'Not found',
  [ErrorCode.ALREADY_EXISTS]: 'Already exists',
  [ErrorCode.PAYLOAD_TOO_LARGE]: 'Payload too large',
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 'Unsupported media type',
  [ErrorCode.RATE_LIMITED]: 'Too many requests',
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 'Upstream unavailable',
  [ErrorCode.UPSTREAM_TIMEOUT]: 'Upstream timeout',
  [ErrorCode.INTERNAL]: 'Internal error',
};

export function titleOf(code: ErrorCode): string {
  return TITLES[code];
}

/** Errors Nest or Fastify raise before a handler runs (unknown route, bad JSON, body too large, a content type other than JSON). */
export function codeOfHttpStatus(status: number): ErrorCode {
  if (status === 401) {
    return ErrorCode.UNAUTHENTICATED;
  }
  if (status === 403) {
    return ErrorCode.PERMISSION_DENIED;
  }
  if (status === 404 || status === 405) {
    return ErrorCode.NOT_FOUND;
  }
  if (status === 409) {
    return ErrorCode.ALREADY_EXISTS;
  }
  if (status === 413) {
    return ErrorCode.PAYLOAD_TOO_LARGE;
  }
  if (status === 415) {
    return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  }
  if (status === 429) {
    return ErrorCode.RATE_LIMITED;
  }
  if (status >= 400 && status < 500) {
    return ErrorCode.INVALID_ARGUMENT;
  }
  return ErrorCode.INTERNAL;
}
