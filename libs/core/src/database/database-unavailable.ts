/** Node socket errors and PostgreSQL SQLSTATEs that mean "the database cannot be reached right now". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  // Class 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now; 53300: too many connections.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

const UNREACHABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Connection is not established|connection error|Client was closed|Cannot use a pool after calling end/i;

/**
 * True when an error (or anything in its cause / driverError chain) says PostgreSQL is away rather than that a
 * query was wrong. Callers answer these as UNAVAILABLE (retry later), never as an internal error.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  // Structural, not `instanceof Error`: socket errors may come from another realm (node core under a test VM).
  if (typeof error !== 'object' || error === null || depth > 4) {
    return false;
  }
  const { code, message, driverError, cause, errors } = error as Record<string, unknown>;
  if (
    (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
    UNREACHABLE_MESSAGE.test(typeof message === 'string' ? message : '')
  ) {
    return true;
  }
  const nested = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return nested.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}
