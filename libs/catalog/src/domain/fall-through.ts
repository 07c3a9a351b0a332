import { DomainError, ErrorCode, type SourceFailure } from '@app/core';

/** One provider asked in turn: resolves undefined (or throws NOT_FOUND) when it does not know the code. */
export interface FallThroughStep<T> {
  source: string;
  ask(): Promise<T | undefined>;
}

export interface FoundBy<T> {
  value: T;
  /** The provider that answered. */
  source: string;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Asks each provider in order until one knows the code. A provider that is down is skipped and noted. NOT_FOUND
 * only when every provider answered "don't know" (so a remembered miss is a real one); when some were down and
 * none knew, UPSTREAM_UNAVAILABLE naming them, which the read path never remembers.
 */
export async function fallThrough<T>(what: string, steps: readonly FallThroughStep<T>[]): Promise<FoundBy<T>> {
  const failures: SourceFailure[] = [];
  const unknownTo: string[] = [];
  let retryAfterSeconds: number | undefined;
  for (const step of steps) {
    try {
      const value = await step.ask();
      if (value !== undefined) {
        return { value, source: step.source };
      }
      unknownTo.push(step.source);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
        unknownTo.push(step.source);
        continue;
      }
      failures.push({
        source: step.source,
        reason: reasonOf(error),
        code: error instanceof DomainError ? error.code : ErrorCode.INTERNAL,
      });
      const wait = error instanceof DomainError ? error.retryAfterSeconds : undefined;
      retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, wait ?? 0) || undefined;
    }
  }
  if (failures.length === 0) {
    throw DomainError.notFound(`No provider knows ${what}`);
  }
  const named = failures.map((f) => `${f.source} (${f.reason})`).join(', ');
  // Say who answered "unknown" and who could not be asked: "no provider that answered knows it" read as a
  // verdict even when none had answered.
  const detail =
    unknownTo.length > 0
      ? `${what}: not known to ${unknownTo.join(', ')}; could not ask ${named}`
      : `${what}: could not ask any provider: ${named}`;
  throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, detail, {
    retryAfterSeconds: retryAfterSeconds ?? 30,
    extensions: { failures },
  });
}
