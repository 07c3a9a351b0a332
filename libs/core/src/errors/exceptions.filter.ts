import { Catch, HttpException, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import type { FastifyReply } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { DomainError, ErrorCode, type FieldViolation, type RateLimitState } from './domain-error';
import { codeOfHttpStatus, grpcStatusOf, httpStatusOf, titleOf } from './error-mapping';
import { isRpc, operationOf, REQUEST_ID_HEADER, requestIdOf } from '../transport/call-context';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { databaseSettings, type DatabaseSettings } from '../config/core.settings';

export interface NormalizedError {
  code: ErrorCode;
  status: number;
  detail: string;
  violations: FieldViolation[];
  retryAfterSeconds?: number;
  extensions?: Record<string, unknown>;
  rateLimit?: RateLimitState;
}

/** The draft-ietf-httpapi-ratelimit-headers fields (structured-field form) of a budget that ran out. */
export function rateLimitFields(state: RateLimitState): { 'ratelimit-policy': string; ratelimit: string } {
  const name = JSON.stringify(state.policy);
  return {
    'ratelimit-policy': `${name};q=${state.quota};w=${state.windowSeconds}`,
    ratelimit: `${name};r=${state.remaining};t=${state.resetSeconds}`,
  };
}

export interface GrpcErrorObject {
  code: number;
  details: string;
  message: string;
  metadata: Metadata;
}

/** Fastify raises these before Nest routing: body too large, bad JSON, wrong content type. */
interface FastifyLikeError {
  statusCode: number;
  message: string;
  code?: string;
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  return error instanceof Error && typeof (error as Partial<FastifyLikeError>).statusCode === 'number';
}

const DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const UNSUPPORTED_MEDIA_TYPE_DETAIL = 'Request bodies are JSON only: send them with content-type: application/json';

/** `databaseRetryAfterSeconds`: DB_RETRY_AFTER_SECONDS, the Retry-After while PostgreSQL cannot be reached. */
export function normalizeError(error: unknown, databaseRetryAfterSeconds = 5): NormalizedError {
  if (error instanceof DomainError) {
    return {
      code: error.code,
      status: httpStatusOf(error.code),
      detail: error.message,
      violations: error.violations,
      // DESIGN: UNAVAILABLE always tells clients when to retry, also where the thrower had no better estimate.
      retryAfterSeconds:
        error.retryAfterSeconds ??
        (error.code === ErrorCode.UPSTREAM_UNAVAILABLE ? DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS : undefined),
      extensions: error.extensions,
      rateLimit: error.rateLimit,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeOfHttpStatus(status);
    // Nest hands Fastify's content-type refusal on as an HttpException with Fastify's words, which repeat the
    // title and do not say what to send.
    const detail =
      status >= 500 ? titleOf(ErrorCode.INTERNAL) : status === 415 ? UNSUPPORTED_MEDIA_TYPE_DETAIL : error.message;
    return { code, status, detail, violations: [] };
  }
  if (isFastifyError(error) && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      code: codeOfHttpStatus(error.statusCode),
      status: error.statusCode,
      detail: error.message,
      violations: [],
    };
  }
  if (isDatabaseUnavailable(error)) {
    // PostgreSQL away is an outage the caller can retry, not a bug (DESIGN: writes answer UNAVAILABLE).
    return {
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      status: httpStatusOf(ErrorCode.UPSTREAM_UNAVAILABLE),
      detail: 'The database is unavailable; retry shortly',
      violations: [],
      retryAfterSeconds: databaseRetryAfterSeconds,
    };
  }
  return { code: ErrorCode.INTERNAL, status: 500, detail: 'Internal error', violations: [] };
}

/**
 * The one exception filter: DomainError (and anything else) to RFC 9457 problem+json over HTTP and to a gRPC
 * status over gRPC. Unknown errors are logged with their stack and answered as INTERNAL with the request id only.
 */
@Catch()
export class ExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsFilter');

  constructor(@Inject(databaseSettings.KEY) private readonly database: DatabaseSettings) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const error = normalizeError(exception, this.database.DB_RETRY_AFTER_SECONDS);
    const requestId = requestIdOf(host);
    if (error.code === ErrorCode.INTERNAL) {
      this.logger.error(
        { msg: 'unhandled error', requestId, operation: operationOf(host), err: exception },
        undefined,
        'ExceptionsFilter',
      );
    }
    return isRpc(host) ? this.toGrpc(error, requestId) : this.toHttp(host, error, requestId);
  }

  private toGrpc(error: NormalizedError, requestId: string): Observable<never> {
    const metadata = new Metadata();
    metadata.set(REQUEST_ID_HEADER, requestId);
    metadata.set('chorus-error-code', error.code);
    if (error.retryAfterSeconds !== undefined) {
      metadata.set('retry-after', String(error.retryAfterSeconds));
    }
    for (const [key, value] of Object.entries(error.rateLimit ? rateLimitFields(error.rateLimit) : {})) {
      metadata.set(key, value);
    }
    if (error.violations.length > 0) {
      metadata.set('chorus-field-violations', JSON.stringify(error.violations));
    }
    const payload: GrpcErrorObject = {
      code: grpcStatusOf(error.code),
      details: error.detail,
      message: error.detail,
      metadata,
    };
    return throwError(() => payload);
  }

  private toHttp(host: ArgumentsHost, error: NormalizedError, requestId: string): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) {
      return;
    }
    sendProblem(reply, error, requestId);
  }
}

/** An RFC 9457 problem answer; also used for the errors Fastify raises before routing (bad URL, long params). */
export function sendProblem(reply: FastifyReply, error: NormalizedError, requestId: string): void {
  const body: Record<string, unknown> = {
    ...error.extensions,
    type: `https://chorus.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: titleOf(error.code),
    status: error.status,
    detail: error.detail,
    code: error.code,
    requestId,
  };
  if (error.violations.length > 0) {
    body.errors = error.violations;
  }
  if (error.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  }
  for (const [key, value] of Object.entries(error.rateLimit ? rateLimitFields(error.rateLimit) : {})) {
    void reply.header(key, value);
  }
  void reply
    .status(error.status)
    .header(REQUEST_ID_HEADER, requestId)
    .header('content-type', 'application/problem+json')
    .send(JSON.stringify(body));
}
