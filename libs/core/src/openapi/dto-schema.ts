import type { Type } from '@nestjs/common';
import { getMetadataStorage, IS_DATE_STRING, IS_EMAIL, IS_ISO8601, IS_URL, IS_UUID } from 'class-validator';
import type { JsonSchema } from './openapi.types';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** One request field as the validation pipe checks it. */
export interface DtoField {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** @nestjs/swagger's `@ApiProperty` store: read for what validation does not say (descriptions, examples). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
const DOCUMENTED_KEYS = [
  'description',
  'example',
  'format',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'enum',
  'deprecated',
] as const;

const CONDITIONAL = 'conditionalValidation';

const STRING_FORMATS: Record<string, string> = {
  [IS_UUID]: 'uuid',
  [IS_EMAIL]: 'email',
  [IS_ISO8601]: 'date-time',
  [IS_DATE_STRING]: 'date-time',
  [IS_URL]: 'uri',
};

function enumSchema(values: readonly unknown[]): JsonSchema {
  const type = values.every((value) => typeof value === 'string')
    ? 'string'
    : values.every((value) => Number.isInteger(value))
      ? 'integer'
      : undefined;
  return type ? { type, enum: [...values] } : { enum: [...values] };
}

/** What one class-validator rule says about a value, as JSON Schema keywords. */
function ruleSchema(rule: ValidationMetadata): JsonSchema {
  const [first, second] = (rule.constraints ?? []) as unknown[];
  switch (rule.name ?? '') {
    case 'isString':
      return { type: 'string' };
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber':
      return { type: 'number' };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isIn':
      return Array.isArray(first) ? enumSchema(first) : {};
    case 'isEnum':
      return first !== null && typeof first === 'object' ? enumSchema(Object.values(first)) : {};
    case 'min':
      return { minimum: first };
    case 'max':
      return { maximum: first };
    case 'isLength':
      return { type: 'string', minLength: first, ...(second === undefined ? {} : { maxLength: second }) };
    case 'minLength':
      return { type: 'string', minLength: first };
    case 'maxLength':
      return { type: 'string', maxLength: first };
    case 'matches':
      // JSON Schema patterns have no flags; a flagged pattern is left to the description.
      return first instanceof RegExp && first.flags === '' ? { type: 'string', pattern: first.source } : {};
    case 'arrayMinSize':
      return { type: 'array', minItems: first };
    case 'arrayMaxSize':
      return { type: 'array', maxItems: first };
    case 'isArray':
      return { type: 'array' };
    default:
      return rule.name && STRING_FORMATS[rule.name] ? { type: 'string', format: STRING_FORMATS[rule.name] } : {};
  }
}

function designSchema(dto: Type, property: string): JsonSchema {
  const design = Reflect.getMetadata('design:type', dto.prototype as object, property) as unknown;
  switch (design) {
    case String:
      return { type: 'string' };
    case Number:
      return { type: 'number' };
    case Boolean:
      return { type: 'boolean' };
    case Array:
      return { type: 'array' };
    default:
      return {};
  }
}

/** A field whose only rule is `Equals` exists to refuse or tolerate something (gRPC presence markers): not sent. */
function isUnsentMarker(rules: ValidationMetadata[]): boolean {
  const checks = rules.filter((rule) => rule.type !== CONDITIONAL);
  return checks.length > 0 && checks.every((rule) => rule.name === 'equals');
}

function documented(dto: Type, property: string): JsonSchema {
  const options = Reflect.getMetadata(API_MODEL_PROPERTIES, dto.prototype as object, property) as
    Record<string, unknown> | undefined;
  const schema: JsonSchema = {};
  for (const key of DOCUMENTED_KEYS) {
    const value = options?.[key];
    if (value !== undefined) {
      schema[key] = key === 'enum' && Array.isArray(value) ? [...(value as unknown[])] : value;
    }
  }
  return schema;
}

function initialValues(dto: Type): Record<string, unknown> {
  try {
    return { ...(new dto() as Record<string, unknown>) };
  } catch {
    // A DTO that cannot be built without arguments has no field initializers to read.
    return {};
  }
}

function fieldSchema(dto: Type, property: string, rules: ValidationMetadata[], initial: unknown): JsonSchema {
  const own: JsonSchema = { ...designSchema(dto, property) };
  const items: JsonSchema = {};
  for (const rule of rules) {
    Object.assign(rule.each ? items : own, ruleSchema(rule));
  }
  if (Object.keys(items).length > 0) {
    own.type = 'array';
    own.items = items;
  }
  const schema: JsonSchema = { ...own, ...documented(dto, property) };
  if (schema.default === undefined && initial !== undefined) {
    schema.default = initial;
  }
  return schema;
}

/** The fields of a request DTO, from the rules the validation pipe applies to it (inherited ones included). */
export function dtoFields(dto: Type): DtoField[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of rules) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  const initial = initialValues(dto);
  const fields: DtoField[] = [];
  for (const [name, propertyRules] of byProperty) {
    if (isUnsentMarker(propertyRules)) {
      continue;
    }
    const schema = fieldSchema(dto, name, propertyRules, initial[name]);
    const optional = propertyRules.some((rule) => rule.type === CONDITIONAL);
    fields.push({ name, schema, required: !optional && schema.default === undefined });
  }
  return fields;
}
