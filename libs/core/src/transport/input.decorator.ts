import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { httpRequestOf, rpcDataOf } from './call-context';
import { isMalformedRequest } from './grpc/malformed-request';

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text no later layer can handle is refused here, not turned into a 500 further down: PostgreSQL text cannot
 * hold NUL, and a lone UTF-16 surrogate (`"\ud800"` in JSON) is not Unicode text: validator.js throws a URIError
 * on it (IsEmail, byte lengths) and it cannot be encoded as UTF-8 for storage.
 */
export function badText(value: string): string | undefined {
  if (value.includes('\u0000')) {
    return 'must not contain NUL characters';
  }
  return LONE_SURROGATE.test(value) ? 'must be well-formed Unicode text (no lone surrogates)' : undefined;
}

interface BadText {
  /** The keys from the input down to the bad string, innermost first (built only once one is found). */
  keys: string[];
  problem: string;
}

/**
 * The first string with bad text, depth-first. Its path is assembled on the way back up, so a clean input (every
 * request but a bad one) builds none: a 100-id batch made a path string per id before.
 */
function badTextIn(value: unknown, depth: number): BadText | undefined {
  if (typeof value === 'string') {
    const problem = badText(value);
    return problem ? { keys: [], problem } : undefined;
  }
  if (value === null || typeof value !== 'object' || depth > 32) {
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = badTextIn(value[i], depth + 1);
      if (found) {
        found.keys.push(String(i));
        return found;
      }
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const found = badTextIn((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.keys.push(key);
      return found;
    }
  }
  return undefined;
}

/** The field (dotted path, `request` for the input itself) of the first string with bad text, and why. */
export function fieldWithBadText(input: unknown): { field: string; problem: string } | undefined {
  const found = badTextIn(input, 0);
  return found && { field: found.keys.reverse().join('.') || 'request', problem: found.problem };
}

function refuseBadText<T>(input: T): T {
  const found = fieldWithBadText(input);
  if (found) {
    throw DomainError.invalid(found.field, found.problem);
  }
  return input;
}

/**
 * proto3 cannot tell a page size of 0 from none (most clients never put a zero on the wire; protobufjs does), and
 * every list's contract says unset means the default: a gRPC `limit` of 0 is dropped here, so the shared DTO
 * validation sees what a REST request without `limit` gives it. On REST an explicit `limit=0` stays a 400.
 */
function withoutUnsetLimit(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || (data as { limit?: unknown }).limit !== 0) {
    return data;
  }
  const { limit: _unset, ...rest } = data as Record<string, unknown>;
  return rest;
}

const readInput = createParamDecorator((_data: unknown, ctx: ExecutionContext): unknown => {
  if (ctx.getType() === 'rpc') {
    const data = rpcDataOf(ctx);
    if (isMalformedRequest(data)) {
      throw DomainError.invalid('request', 'is not a valid protobuf message of this method');
    }
    return refuseBadText(withoutUnsetLimit(data ?? {}));
  }
  const request = httpRequestOf(ctx);
  const body: unknown = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw DomainError.invalid('body', 'must be a JSON object');
  }
  return refuseBadText({ ...asObject(request.query), ...asObject(request.body), ...asObject(request.params) });
});

/** Where a REST client sends the fields that are not path parameters. */
export type InputFieldsIn = 'query' | 'body';

export interface InputBinding {
  /** The handler parameter that receives the DTO. */
  index: number;
  /** As documented; the handler accepts both, so this only says what clients should use. */
  fieldsIn?: InputFieldsIn;
}

const INPUT_BINDING = 'chorus:input';

/**
 * The request DTO of a use case, from gRPC data or from HTTP params + query + body (path params win, as the
 * route names the resource). The global ValidationPipe validates it the same way for both transports.
 * `fieldsIn` says where the OpenAPI document puts the other fields when the HTTP method's default (query for
 * GET and DELETE, a JSON body otherwise) is not what clients should use.
 */
export function Input(fieldsIn?: InputFieldsIn): ParameterDecorator {
  return (target, key, index) => {
    if (key !== undefined) {
      const binding: InputBinding = { index, fieldsIn };
      Reflect.defineMetadata(INPUT_BINDING, binding, target, key);
    }
    readInput()(target, key, index);
  };
}

/** The `@Input()` parameter of a controller method, if it has one. */
export function readInputBinding(prototype: object, method: string): InputBinding | undefined {
  return Reflect.getMetadata(INPUT_BINDING, prototype, method) as InputBinding | undefined;
}
