/**
 * What every read use case returns: the value plus what the transports need to know about it, so domain code
 * never writes transport state. The pipeline (AnswerInterceptor) turns the metadata into headers or metadata:
 * freshness into x-cache/cache-status, freshUntil into Cache-Control, PARTIAL into no-store.
 */
export type Freshness = 'HIT' | 'MISS' | 'STALE';

/** COMPLETE: every source that should have been asked answered. PARTIAL: some were down (see failures). */
export type AnswerStatus = 'COMPLETE' | 'PARTIAL';

/** A source that could not be asked while building an answer. */
export interface SourceFailure {
  /** Provider or platform name, e.g. "deezer". */
  source: string;
  /** A short reason a user can read, e.g. "timed out" or "circuit open". */
  reason: string;
  /** The DomainError code the source failed with, when known (e.g. UPSTREAM_UNAVAILABLE). */
  code?: string;
}

export interface Answer<T> {
  value: T;
  freshness: Freshness;
  /** When the least fresh part of this answer stops being fresh (ms since epoch); 0 means never keep it. */
  freshUntil: number;
  status: AnswerStatus;
  failures: readonly SourceFailure[];
}

const FRESHNESS_ORDER: readonly Freshness[] = ['HIT', 'STALE', 'MISS'];

/** A complete answer names no failure: one shared, frozen list rather than a new one per answer (a warm batch makes 100). */
const NO_FAILURES: readonly SourceFailure[] = Object.freeze([]);

export const Answers = {
  /** A complete answer of one stored read. */
  of<T>(value: T, freshness: Freshness, freshUntil: number): Answer<T> {
    return { value, freshness, freshUntil, status: 'COMPLETE', failures: NO_FAILURES };
  },

  /** The same metadata around another value (e.g. a stored row mapped to its response shape). */
  map<T, U>(answer: Answer<T>, fn: (value: T) => U): Answer<U> {
    return { ...answer, value: fn(answer.value) };
  },

  /**
   * One answer built from several: as fresh as its least fresh part, PARTIAL when any part is or when
   * `extraFailures` names a source that could not be asked. A PARTIAL answer is never kept (freshUntil 0).
   */
  combine<U>(value: U, parts: readonly Answer<unknown>[], extraFailures: readonly SourceFailure[] = []): Answer<U> {
    const failures = [...parts.flatMap((part) => part.failures), ...extraFailures];
    const status: AnswerStatus =
      failures.length > 0 || parts.some((p) => p.status === 'PARTIAL') ? 'PARTIAL' : 'COMPLETE';
    const freshness = parts.reduce<Freshness>(
      (worst, part) =>
        FRESHNESS_ORDER.indexOf(part.freshness) > FRESHNESS_ORDER.indexOf(worst) ? part.freshness : worst,
      'HIT',
    );
    const freshUntil =
      status === 'PARTIAL' ? 0 : Math.min(...parts.map((part) => part.freshUntil), Number.MAX_SAFE_INTEGER);
    return { value, freshness, freshUntil, status, failures };
  },

  /** A PARTIAL answer naming the sources that were down; never kept. */
  partial<T>(value: T, freshness: Freshness, failures: readonly SourceFailure[]): Answer<T> {
    return { value, freshness, freshUntil: 0, status: failures.length > 0 ? 'PARTIAL' : 'COMPLETE', failures };
  },
};
