import { ErrorCode } from '../errors/domain-error';
import { titleOf } from '../errors/error-mapping';
import type { JsonSchema, OpenApiDocument, OpenApiResponse, Reference } from './openapi.types';

interface ProblemStatus {
  component: string;
  description: string;
  retryAfter: boolean;
}

/** The problem answers a route may give, in the order they are listed; 429 and 503 always carry Retry-After. */
export const PROBLEM_STATUSES: Record<number, ProblemStatus> = {
  400: { component: 'BadRequest', description: 'A field is missing or invalid (named in `errors`)', retryAfter: false },
  401: { component: 'Unauthorized', description: 'No valid access token, or its session has ended', retryAfter: false },
  403: { component: 'Forbidden', description: 'Signed in, but not allowed to do this', retryAfter: false },
  404: { component: 'NotFound', description: 'Nothing with this id', retryAfter: false },
  409: { component: 'Conflict', description: 'It already exists', retryAfter: false },
  413: { component: 'PayloadTooLarge', description: 'The request body is larger than allowed', retryAfter: false },
  429: { component: 'TooManyRequests', description: 'Too many attempts; retry after `Retry-After`', retryAfter: true },
  503: {
    component: 'ServiceUnavailable',
    description:
      'A dependency (database, cache, provider) is unavailable or the server is stopping; retry after `Retry-After`',
    retryAfter: true,
  },
  504: { component: 'GatewayTimeout', description: 'A provider did not answer in time', retryAfter: false },
};

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An RFC 9457 problem; over gRPC the same error is a status with `chorus-error-code` metadata.',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri', examples: ['https://chorus.dev/problems/not-found'] },
    title: { type: 'string', examples: [titleOf(ErrorCode.NOT_FOUND)] },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.values(ErrorCode) },
    requestId: { type: 'string', description: 'Also sent as the `x-request-id` header; quote it when reporting' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldViolation' } },
    // The extension members some problems carry (DomainError `extensions`); undeclared, a generated client
    // could not read why a search or a lookup by code found no provider to ask.
    failures: {
      type: 'array',
      description: 'UPSTREAM_UNAVAILABLE of a search or a lookup by code: each provider that could not be asked',
      items: { $ref: '#/components/schemas/ProblemFailure' },
    },
    budget: {
      type: 'string',
      description: "RATE_LIMITED by the caller's provider budget: the budget's name (`provider`)",
    },
    quota: { type: 'integer', description: 'With `budget`: provider calls allowed per window' },
    windowSeconds: { type: 'integer', description: 'With `budget`: the window, in seconds' },
    checks: {
      type: 'object',
      description: 'A failing health probe: the Terminus result (status, info, error, details)',
      additionalProperties: true,
    },
  },
};

const PROBLEM_FAILURE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['source', 'reason'],
  properties: {
    source: { type: 'string', examples: ['musicbrainz'] },
    reason: { type: 'string', description: 'What went wrong, in words a user can read' },
    code: { type: 'string', enum: Object.values(ErrorCode), description: 'The error the provider failed with' },
  },
};

const FIELD_VIOLATION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['field', 'message'],
  properties: { field: { type: 'string', examples: ['id'] }, message: { type: 'string' } },
};

export function problemResponse(status: number, description?: string): OpenApiResponse | Reference {
  const known = PROBLEM_STATUSES[status];
  if (known && description === undefined) {
    return { $ref: `#/components/responses/${known.component}` };
  }
  return {
    description: description ?? known?.description ?? 'An error',
    ...(known?.retryAfter ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } } : {}),
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/** The shared problem schema, responses and header, for the statuses some operation uses. */
export function problemComponents(used: Set<number>): Pick<OpenApiDocument['components'], 'responses' | 'headers'> & {
  schemas: Record<string, JsonSchema>;
} {
  const responses: Record<string, OpenApiResponse> = {};
  for (const status of [...used].sort((a, b) => a - b)) {
    const known = PROBLEM_STATUSES[status];
    if (known) {
      responses[known.component] = problemResponse(status, known.description) as OpenApiResponse;
    }
  }
  return {
    schemas: {
      Problem: PROBLEM_SCHEMA,
      FieldViolation: FIELD_VIOLATION_SCHEMA,
      ProblemFailure: PROBLEM_FAILURE_SCHEMA,
    },
    responses,
    headers: {
      RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
    },
  };
}
