import { SqlError, UNIQUE_VIOLATION } from '@app/core';

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof SqlError && error.code === UNIQUE_VIOLATION;
}
