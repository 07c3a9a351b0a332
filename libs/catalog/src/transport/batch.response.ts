import { joinJson, JsonBody } from '@app/core';
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

export interface BatchResponseMessage {
  entries: BatchEntryMessage[];
}

type Answered = Extract<BatchOutcome, { answer: unknown }>;

function entryOf(kind: BatchKind, outcome: BatchOutcome): BatchEntryMessage {
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
}

interface EncodedEntry {
  kind: BatchKind;
  id: string;
  freshness: string;
  freshUntil: number;
  summary: boolean;
  bytes: Buffer;
}

/**
 * The JSON of an answered entry, kept with the entity it carries. A warm entity is the same read-only object on
 * every request (L1 keeps values by reference), so a warm batch serializes each of its ~1 KB entities once, not
 * on every request; the entry is made again when anything it says (id as asked, freshness, expiry) changed.
 */
const encodedEntries = new WeakMap<object, EncodedEntry>();

function entryBytes(kind: BatchKind, outcome: Answered): Buffer {
  const { answer } = outcome;
  const value = answer.value;
  if (typeof value !== 'object' || value === null) {
    return Buffer.from(JSON.stringify(entryOf(kind, outcome)));
  }
  const known = encodedEntries.get(value);
  if (
    known !== undefined &&
    known.kind === kind &&
    known.id === outcome.id &&
    known.freshness === answer.freshness &&
    known.freshUntil === answer.freshUntil &&
    known.summary === outcome.summary
  ) {
    return known.bytes;
  }
  const bytes = Buffer.from(JSON.stringify(entryOf(kind, outcome)));
  encodedEntries.set(value, {
    kind,
    id: outcome.id,
    freshness: answer.freshness,
    freshUntil: answer.freshUntil,
    summary: outcome.summary,
    bytes,
  });
  return bytes;
}

/**
 * chorus.v1.BatchGet<Kind>sResponse. Each entry carries its own status, as the batch itself succeeded. On REST
 * the body is the JSON of this message, joined from each entry's JSON (kept with a cached entity, see
 * `encodedEntries`): a warm batch of 100 ids would otherwise serialize ~100 KB on every request.
 */
export function toBatchResponse(kind: BatchKind, outcomes: BatchOutcome[]): JsonBody<BatchResponseMessage> {
  return JsonBody.of(
    () => ({ entries: outcomes.map((outcome) => entryOf(kind, outcome)) }),
    () => {
      const parts: Array<string | Buffer> = ['{"entries":['];
      outcomes.forEach((outcome, i) => {
        parts.push(
          i === 0 ? '' : ',',
          'error' in outcome ? JSON.stringify(entryOf(kind, outcome)) : entryBytes(kind, outcome),
        );
      });
      parts.push(']}');
      return joinJson(parts);
    },
  );
}
