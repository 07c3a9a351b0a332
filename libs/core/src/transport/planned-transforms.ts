import type { Type } from '@nestjs/common';
import { TransformationType, type ClassTransformOptions, type TransformFnParams } from 'class-transformer';
// Read-only, as the metadata storage in validation-plan.ts: the options class-transformer completes a call's with.
import { defaultOptions } from 'class-transformer/cjs/constants/default-options.constant';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';

export type TransformFn = (params: TransformFnParams) => unknown;

/**
 * The options a `@Transform` function is handed on the pipe's full path: class-transformer's defaults with the
 * pipe's `transformOptions` (createValidationPipe(): implicit conversion) over them. One frozen object: the
 * functions see what they would see there, and cannot change it for the next request.
 */
const OPTIONS: ClassTransformOptions = Object.freeze({ ...defaultOptions, enableImplicitConversion: true });

/**
 * A property's `@Transform` functions for plain-to-class, in the order class-transformer applies them: the same
 * lookup it makes, less those limited to groups (the pipe names none; a version limit is ignored without one).
 */
export function transformsOf(metatype: Type, property: string): TransformFn[] {
  return defaultMetadataStorage
    .findTransformMetadatas(metatype, property, TransformationType.PLAIN_TO_CLASS)
    .filter((metadata) => !metadata.options?.groups?.length)
    .map((metadata) => metadata.transformFn as TransformFn);
}

/**
 * class-transformer's custom transformations of one converted value: each function gets the previous one's
 * result, the property's name and `obj`, the input as the pipe hands it to class-transformer.
 */
export function applyTransforms(
  transforms: readonly TransformFn[],
  value: unknown,
  key: string,
  obj: Record<string, unknown>,
): unknown {
  let result = value;
  for (const transform of transforms) {
    result = transform({ value: result, key, obj, type: TransformationType.PLAIN_TO_CLASS, options: OPTIONS });
  }
  return result;
}
