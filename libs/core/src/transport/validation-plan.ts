import type { Type } from '@nestjs/common';
import { TransformationType } from 'class-transformer';
// Read-only use of class-transformer's metadata (as @nestjs/mapped-types does): which properties carry @Type,
// @Expose, @Exclude or @Transform. Nothing of the library is changed.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

type Scalar = StringConstructor | NumberConstructor | BooleanConstructor;
const SCALARS: ReadonlySet<unknown> = new Set<unknown>([String, Number, Boolean]);

/** The text forms strictScalars (validation.pipe.ts) accepts for a declared number or boolean. */
export const DECIMAL = /^-?\d+(\.\d+)?$/;
export const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false };

interface Check {
  validate(value: unknown, args: ValidationArguments): unknown;
  constraints: unknown[];
  validateIf?: (object: object, value: unknown) => boolean;
  /** `{ each: true }` on a list: every item must pass (the arguments name the whole list, as class-validator's). */
  each: boolean;
}

interface PropertyPlan {
  name: string;
  /** `design:type`, what strictScalars checks the raw value against. */
  declared: unknown;
  /** What class-transformer converts to: `@Type()` first, else `design:type` (enableImplicitConversion). */
  target: Scalar | undefined;
  /** A `string[]` without `@Type()` or `@Transform()`: judged here for input that is an array of strings only. */
  list: boolean;
  /** `@IsOptional()`, `@ValidateIf()`: all must hold for the checks to run. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: Check[];
  /**
   * Rules this plan cannot judge (a list, `each`, `@Transform`, nested, `@IsDefined`): the field is planned only
   * while the input leaves it out and one of its conditions then skips all its rules, as class-validator does.
   */
  opaque: boolean;
}

interface DtoPlan {
  metatype: Type;
  properties: ReadonlyMap<string, PropertyPlan>;
}

type Metadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

function isPromiseLike(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A validator's result that accepts: truthy and not a promise (async rules go the full way). */
function passed(result: unknown): boolean {
  return result === true || (Boolean(result) && !isPromiseLike(result));
}

/** `@Type()` of a property, resolved once: a DTO of flat fields names a fixed constructor there. */
function typeOf(metatype: Type, property: string): unknown {
  const meta = defaultMetadataStorage.findTypeMetadata(metatype, property);
  if (meta === undefined) {
    return Reflect.getMetadata('design:type', metatype.prototype as object, property) as unknown;
  }
  return meta.typeFunction ? meta.typeFunction({ newObject: {}, object: {}, property }) : meta.reflectedType;
}

/** Class-level class-transformer rules (a strategy, `@Expose`, `@Exclude`) change which keys are read: not planned. */
function transformerDecoratorsFree(metatype: Type, properties: Iterable<string>): boolean {
  const storage = defaultMetadataStorage;
  if (storage.getStrategy(metatype) !== 'none') {
    return false;
  }
  if (storage.getExposedMetadatas(metatype).length > 0 || storage.getExcludedMetadatas(metatype).length > 0) {
    return false;
  }
  for (const property of properties) {
    // class-transformer skips a property with a getter (or a method) on the prototype.
    if (Object.getOwnPropertyDescriptor(metatype.prototype, property) !== undefined) {
      return false;
    }
  }
  return true;
}

/** The checks of one property this plan can run itself, or undefined when class-validator has rules of its own. */
function plannedChecks(metatype: Type, name: string, metadatas: Metadata[]): Check[] | undefined {
  const target = typeOf(metatype, name);
  const list = isList(metatype, name, target);
  if (target !== undefined && !SCALARS.has(target) && !list) {
    return undefined;
  }
  if (defaultMetadataStorage.findTransformMetadatas(metatype, name, TransformationType.PLAIN_TO_CLASS).length > 0) {
    return undefined;
  }
  const checks: Check[] = [];
  for (const metadata of metadatas) {
    if (metadata.each && !list) {
      return undefined;
    }
    if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
      for (const constraint of getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) {
          return undefined;
        }
        const instance = constraint.instance as Check;
        checks.push({
          validate: (value, args) => instance.validate(value, args),
          constraints: metadata.constraints,
          validateIf: metadata.validateIf,
          each: metadata.each === true,
        });
      }
    } else if (
      metadata.type !== ValidationTypes.WHITELIST &&
      metadata.type !== ValidationTypes.CONDITIONAL_VALIDATION
    ) {
      // Nested, promise and IS_DEFINED validation have their own rules in class-validator: not planned.
      return undefined;
    }
  }
  return checks;
}

/** A `string[]` field: `design:type` Array, no `@Type()` (class-transformer copies the array as it is). */
function isList(metatype: Type, name: string, target: unknown): boolean {
  return target === Array && defaultMetadataStorage.findTypeMetadata(metatype, name) === undefined;
}

function planProperty(metatype: Type, name: string, metadatas: Metadata[]): PropertyPlan {
  const target = typeOf(metatype, name);
  const checks = plannedChecks(metatype, name, metadatas);
  return {
    name,
    declared: Reflect.getMetadata('design:type', metatype.prototype as object, name) as unknown,
    target: SCALARS.has(target) ? (target as Scalar) : undefined,
    list: checks !== undefined && isList(metatype, name, target),
    conditions: metadatas
      .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((metadata) => metadata.constraints[0] as (object: object, value: unknown) => boolean),
    checks: checks ?? [],
    opaque: checks === undefined,
  };
}

function buildPlan(metatype: Type): DtoPlan | undefined {
  // The very call class-validator's executor makes for this pipe's options (no groups, `always` off).
  const noSchema = undefined as unknown as string;
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(metatype, noSchema, false, false, undefined);
  if (metadatas.length === 0) {
    return undefined;
  }
  const grouped = getMetadataStorage().groupByPropertyName(metadatas);
  if (!transformerDecoratorsFree(metatype, Object.keys(grouped))) {
    return undefined;
  }
  const properties = new Map<string, PropertyPlan>();
  for (const [name, own] of Object.entries(grouped)) {
    properties.set(name, planProperty(metatype, name, own));
  }
  // Initialized fields of a new instance must be known properties too (whitelist), whatever the input.
  const initialized = Object.keys(new metatype() as object);
  return initialized.every((name) => properties.has(name)) ? { metatype, properties } : undefined;
}

/** A plain array of strings only (no holes, no extra properties): what a planned list property accepts. */
function isStringList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    Object.getPrototypeOf(value) === Array.prototype &&
    Object.keys(value).length === value.length &&
    value.every((item) => typeof item === 'string')
  );
}

/** strictScalars' acceptance of one raw value, and its boolean text conversion; undefined: not accepted here. */
function strictValue(raw: unknown, declared: unknown): { value: unknown } | undefined {
  if (raw === null || raw === undefined || !SCALARS.has(declared)) {
    return { value: raw };
  }
  if (declared === Number && typeof raw === 'string' && !DECIMAL.test(raw)) {
    return undefined;
  }
  if (declared === Boolean && typeof raw !== 'boolean') {
    return typeof raw === 'string' && Object.hasOwn(BOOLEAN_TEXT, raw) ? { value: BOOLEAN_TEXT[raw] } : undefined;
  }
  return { value: raw };
}

/** class-transformer's conversion of a scalar to the property's type. */
function converted(value: unknown, target: Scalar | undefined): unknown {
  if (target === undefined || value === null || value === undefined) {
    return value;
  }
  return target(value);
}

/**
 * The validation pipe's answer for valid input, computed from each request DTO's rules read once per class.
 *
 * Contract: `accept(value, metatype)` returns either undefined (the pipe then runs its full path: class-transformer
 * and class-validator, which alone ever build a refusal and its messages), or exactly the instance that full path
 * returns for `value` with createValidationPipe()'s options (strictScalars, implicit conversion, whitelist with
 * forbidNonWhitelisted, forbidUnknownValues): same class, same fields in the same order, same converted values,
 * judged by the same validator functions with the same arguments. Fields judged here: scalar fields (String,
 * Number, Boolean) with class-validator's custom and conditional rules (every built-in decorator but @IsDefined,
 * @ValidateNested, @ValidatePromise), no class-transformer decorators but `@Type` of a scalar; and `string[]` fields
 * (no `@Type`, no `@Transform`) given an array of strings, whose `each` rules judge every item. Any other field
 * (another list, `each` elsewhere, `@Transform`, nested) is judged here only while the input leaves it out and one of its
 * conditions (`@IsOptional()`, `@ValidateIf()`) then skips its rules: class-transformer reads only the input's own
 * keys, and class-validator runs none of a field's rules once a condition fails. A DTO with class-level
 * class-transformer rules (`@Expose`, `@Exclude`, a strategy) or accessors is not planned. Anything else, and any
 * input that is not a plain object of known scalar fields, goes the full way.
 *
 * Why: class-transformer + class-validator were 13.6% of the server's CPU for an uncached warm REST lookup and
 * 15.1% for a gRPC lookup (V8 CPU profiles, self + callees of ValidationPipe.transform: metadata lookups, error
 * objects, promises per property). Measured A/B, one run each under callgrind (instructions per request, 1 500
 * uncached `GET /v1/artists/{id}` after 3 000 warm-up, 8 connections): 1 308k before, 664k after (this change alone).
 * A single pair, so take the size with care; the full bench decides. The catalog's entity lookups (`id` plus an
 * optional `include` list with `@Transform` and `each`) went the full way until optional fields it cannot judge
 * were planned while absent: A/B of two builds, server CPU per uncached `GET /v1/artists/{id}` (20k requests per
 * run, 5 alternating runs, load average 13-16): median 413 -> 250 us; per warm gRPC GetArtist 1 508 -> 774 us
 * (6 runs, load average 18-20, the load client starved: the absolute figures are inflated, the direction held 5/6).
 */
export class ValidationPlans {
  private readonly plans = new Map<Type, DtoPlan | undefined>();

  accept(value: unknown, metatype: Type | undefined): object | undefined {
    if (metatype === undefined || value === null || typeof value !== 'object') {
      return undefined;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return undefined;
    }
    let plan = this.plans.get(metatype);
    if (plan === undefined && !this.plans.has(metatype)) {
      plan = buildPlan(metatype);
      this.plans.set(metatype, plan);
    }
    return plan === undefined ? undefined : this.run(plan, value as Record<string, unknown>);
  }

  private run(plan: DtoPlan, input: Record<string, unknown>): object | undefined {
    const entity = new plan.metatype() as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      const property = plan.properties.get(key);
      const raw = input[key];
      if (property?.list === true) {
        if (!isStringList(raw)) {
          return undefined;
        }
        // class-transformer gives a new array of the same strings.
        entity[key] = [...raw];
        continue;
      }
      if (
        property === undefined ||
        property.opaque ||
        (raw !== null && (typeof raw === 'object' || typeof raw === 'function'))
      ) {
        return undefined;
      }
      const strict = strictValue(raw, property.declared);
      if (strict === undefined) {
        return undefined;
      }
      entity[key] = converted(strict.value, property.target);
    }
    for (const property of plan.properties.values()) {
      if (!this.valid(plan, property, entity)) {
        return undefined;
      }
    }
    return entity;
  }

  private valid(plan: DtoPlan, property: PropertyPlan, entity: Record<string, unknown>): boolean {
    const value = entity[property.name];
    for (const condition of property.conditions) {
      if (!condition(entity, value)) {
        return true;
      }
    }
    if (property.opaque) {
      // Its rules would run: only class-validator can judge them.
      return false;
    }
    for (const check of property.checks) {
      if (check.validateIf !== undefined && !check.validateIf(entity, value)) {
        continue;
      }
      const args: ValidationArguments = {
        targetName: plan.metatype.name,
        property: property.name,
        object: entity,
        value,
        constraints: check.constraints,
      };
      // The first failing item settles it: no array of results per rule (a batch's 100 ids run three rules each).
      if (check.each && Array.isArray(value)) {
        for (const item of value as unknown[]) {
          if (!passed(check.validate(item, args))) {
            return false;
          }
        }
      } else if (!passed(check.validate(value, args))) {
        return false;
      }
    }
    return true;
  }
}
