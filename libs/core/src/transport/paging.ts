import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The page size every list answers when the caller names none, and the largest it may name. One pair for every
 * list so clients learn one rule; a list that needs another says so where it declares its DTO.
 */
export const PAGE_LIMIT_DEFAULT = 25;
export const PAGE_LIMIT_MAX = 100;
/**
 * Deepest offset of a list kept in PostgreSQL: OFFSET reads and drops every row before it, so an unbounded one is
 * a way to make one request scan a whole table.
 */
export const PAGE_OFFSET_MAX = 100_000;

export interface PageLimitOptions {
  max?: number;
  default?: number;
}

/**
 * A list's `limit`: an integer from 1 to `max`, `default` when absent. Above the maximum is refused naming `limit`
 * (never silently clamped), on REST and gRPC alike; gRPC cannot send 0 (proto3's unset), so there 0 is the default.
 */
export function PageLimit(options: PageLimitOptions = {}): PropertyDecorator {
  const max = options.max ?? PAGE_LIMIT_MAX;
  const fallback = options.default ?? PAGE_LIMIT_DEFAULT;
  return applyDecorators(
    ApiPropertyOptional({
      minimum: 1,
      maximum: max,
      default: fallback,
      description: `Items per page, 1 to ${max} (default ${fallback}); more is refused`,
    }),
    // Query strings are text; an initialized field has no emitted design type to convert to.
    Type(() => Number),
    IsOptional(),
    IsInt(),
    Min(1),
    Max(max),
  );
}

/** A list's `offset`: how many items to skip, 0 to `max`. */
export function PageOffset(max: number = PAGE_OFFSET_MAX, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      minimum: 0,
      maximum: max,
      default: 0,
      description: description ?? `Items to skip, 0 to ${max}`,
    }),
    Type(() => Number),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(max),
  );
}
