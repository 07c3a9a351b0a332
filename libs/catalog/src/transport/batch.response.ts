import type { BatchKind, BatchOutcome } from '../application/batch-lookup.service';

/** chorus.v1.<Kind>BatchEntry: the outcome of one id, the entity under its kind's field name. */
export interface BatchEntryMessage {
  id: string;
  status: string;
  detail?: string;
  freshness?: string;
  freshUntil?: string;
  summary?: boolean;
  artist?: unknown;
  album?: unknown;
  track?: unknown;
}

/** chorus.v1.BatchGet<Kind>sResponse. Each entry carries its own status, as the batch itself succeeded. */
export function toBatchResponse(kind: BatchKind, outcomes: BatchOutcome[]): { entries: BatchEntryMessage[] } {
  return {
    entries: outcomes.map((outcome): BatchEntryMessage => {
      if ('error' in outcome) {
        return { id: outcome.id, status: outcome.error.code, detail: outcome.error.message };
      }
      const { answer } = outcome;
      return {
        id: outcome.id,
        status: 'OK',
        freshness: answer.freshness,
        freshUntil: new Date(answer.freshUntil).toISOString(),
        summary: outcome.summary,
        [kind]: answer.value,
      };
    }),
  };
}
