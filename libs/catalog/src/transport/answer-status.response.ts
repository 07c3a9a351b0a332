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
