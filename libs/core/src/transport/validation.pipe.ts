import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { DomainError, ErrorCode, type FieldViolation } from '../errors/domain-error';
import { BOOLEAN_TEXT, DECIMAL, ValidationPlans } from './validation-plan';

function flatten(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    // `?=x` sends a key with no name; the answer still has to name it for the client to find it.
    const property = error.property === '' ? '""' : error.property;
    const field = parent ? `${parent}.${property}` : property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** `limit must not be greater than 100` as it is; `must be a string` with its field in front. */
function said(violation: FieldViolation): string {
  return violation.message.startsWith(`${violation.field} `)
    ? violation.message
    : `${violation.field}: ${violation.message}`;
}

export function toValidationError(errors: ValidationError[]): DomainError {
  const violations = flatten(errors);
  // The reason goes in the message too: a gRPC client often shows only the status message, not the
  // chorus-field-violations metadata.
  return new DomainError(ErrorCode.INVALID_ARGUMENT, `Invalid request: ${violations.map(said).join('; ')}`, {
    violations,
  });
}

/**
 * Implicit conversion exists for query strings, where everything is text. Left alone it would also turn a JSON
 * object into the string "[object Object]", the string "false" into `true` and "0x10" into 16. Before it runs,
 * scalar fields (by their declared type) accept only their own type or its plain text form.
 */
function strictScalars(value: unknown, metatype: ArgumentMetadata['metatype']): unknown {
  if (!metatype || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, field] of Object.entries(out)) {
    const declared: unknown = Reflect.getMetadata('design:type', metatype.prototype as object, key);
    if (field === null || field === undefined || ![String, Number, Boolean].includes(declared as StringConstructor)) {
      continue;
    }
    const name = (declared as StringConstructor).name.toLowerCase();
    const wrongShape = typeof field === 'object';
    const badNumber = declared === Number && typeof field === 'string' && !DECIMAL.test(field);
    const badBoolean =
      declared === Boolean &&
      typeof field !== 'boolean' &&
      !(typeof field === 'string' && Object.hasOwn(BOOLEAN_TEXT, field));
    if (wrongShape || badNumber || badBoolean) {
      throw DomainError.invalid(key, `must be a ${name}`);
    }
    if (declared === Boolean && typeof field === 'string') {
      out[key] = BOOLEAN_TEXT[field];
    }
  }
  return out;
}

class ChorusValidationPipe extends ValidationPipe {
  /** Valid input of a flat DTO is judged by its rules read once (same answer; see ValidationPlans). */
  private readonly plans = new ValidationPlans();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const planned = this.plans.accept(value, metadata.metatype);
    if (planned !== undefined) {
      return planned;
    }
    return (await super.transform(strictScalars(value, metadata.metatype), metadata)) as unknown;
  }
}

/**
 * One pipe for both transports: unknown fields are rejected (not silently dropped), strings from the query
 * string are converted to the DTO's declared types, and failures become INVALID_ARGUMENT naming each field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ChorusValidationPipe({
    transform: true,
    transformOptions: { enableImplicitConversion: true },
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validateCustomDecorators: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => toValidationError(errors),
  });
}
