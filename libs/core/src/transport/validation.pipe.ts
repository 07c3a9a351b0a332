import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { DomainError, ErrorCode, type FieldViolation } from '../errors/domain-error';

function flatten(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export function toValidationError(errors: ValidationError[]): DomainError {
  const violations = flatten(errors);
  const fields = [...new Set(violations.map((v) => v.field))].join(', ');
  return new DomainError(ErrorCode.INVALID_ARGUMENT, `Invalid request: ${fields}`, { violations });
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false };

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

const MEMOIZED = Symbol('chorus:memoized-validation');
/** Distinct inputs remembered per DTO class; the oldest goes first. */
const MEMO_MAX_ENTRIES = 1_000;
/** Longer inputs are validated every time (and never kept). */
const MEMO_MAX_KEY_LENGTH = 512;

type Flat = Record<string, string | number | boolean | null | undefined>;

/**
 * Marks a request DTO whose validation outcome may be remembered per distinct input: every validator on it is
 * a pure function of the input, and its fields carry no secrets (never put this on credentials). Lookups ask
 * the same few questions over and over, and class-transformer + class-validator were a quarter of the CPU of
 * a lookup served from PostgreSQL (bench/README.md).
 */
export function MemoizedValidation(): ClassDecorator {
  return (target) => Reflect.defineMetadata(MEMOIZED, true, target);
}

function isFlat(value: unknown): value is Flat {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  return Object.values(value).every((field) => field === null || typeof field !== 'object');
}

function memoKey(value: unknown): string | undefined {
  if (!isFlat(value)) {
    return undefined;
  }
  const key = JSON.stringify(value);
  return key.length <= MEMO_MAX_KEY_LENGTH ? key : undefined;
}

class ChorusValidationPipe extends ValidationPipe {
  private readonly memo = new WeakMap<object, Map<string, Flat>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    const memoized = metatype !== undefined && Reflect.getMetadata(MEMOIZED, metatype) === true;
    const key = memoized ? memoKey(value) : undefined;
    const known = key === undefined || !metatype ? undefined : this.memo.get(metatype)?.get(key);
    if (known && metatype) {
      // A fresh instance per call: handlers may change their DTO.
      return Object.assign(Object.create(metatype.prototype as object) as object, known);
    }
    const result: unknown = await super.transform(strictScalars(value, metatype), metadata);
    if (key !== undefined && metatype && isFlat(result)) {
      this.remember(metatype, key, { ...result });
    }
    return result;
  }

  private remember(metatype: object, key: string, result: Flat): void {
    let entries = this.memo.get(metatype);
    if (!entries) {
      entries = new Map();
      this.memo.set(metatype, entries);
    }
    if (entries.size >= MEMO_MAX_ENTRIES) {
      entries.delete(entries.keys().next().value as string);
    }
    entries.set(key, result);
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
