import { DomainError } from '@app/core';
import type { ExtraPart } from '@app/providers';
import type { EntityKind } from './catalog-id';

/** What a lookup can be asked to include (`include=` on REST, `include` on gRPC). */
export const INCLUDES = ['aliases', 'relations', 'credits', 'labels', 'genres', 'tags'] as const;
export type Include = (typeof INCLUDES)[number];

/** The most values one request may name (each is named at most once; more is a malformed request). */
export const MAX_INCLUDES = INCLUDES.length;

/** Which includes each kind of entity has. */
export const INCLUDES_OF: Readonly<Record<EntityKind, readonly Include[]>> = {
  artist: ['aliases', 'relations', 'genres', 'tags'],
  album: ['aliases', 'genres', 'tags'],
  release: ['aliases', 'labels', 'genres', 'tags'],
  track: ['aliases', 'credits', 'genres', 'tags'],
};

/** Includes the base answer already carries (kept for symmetry): asking for them costs nothing. */
const IN_BASE: Readonly<Record<EntityKind, readonly Include[]>> = {
  artist: ['genres', 'tags'],
  album: ['genres', 'tags'],
  release: ['labels'],
  track: ['genres', 'tags'],
};

/**
 * The includes asked for, checked against the entity kind: each value once, in a fixed order (so the same
 * question in any spelling is one cache key). `include=aliases,relations` and repeated values both work.
 */
export function parseIncludes(kind: EntityKind, raw: readonly string[] | undefined): Include[] {
  const values = (raw ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '');
  const allowed = INCLUDES_OF[kind];
  for (const value of values) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw DomainError.invalid('include', `must be a list of ${allowed.join(', ')} for a ${kind} (got "${value}")`);
    }
  }
  return allowed.filter((include) => values.includes(include));
}

/** The includes that need a provider call: those the base answer does not carry. */
export function fetchedParts(kind: EntityKind, includes: readonly Include[]): ExtraPart[] {
  return includes.filter((include): include is ExtraPart => include !== 'labels' && !IN_BASE[kind].includes(include));
}

/** Every non-empty combination of a kind's fetched parts: the cache keys one purge has to forget. */
export function partCombinations(kind: EntityKind): ExtraPart[][] {
  const parts = fetchedParts(kind, INCLUDES_OF[kind]);
  return Array.from({ length: 2 ** parts.length - 1 }, (_unused, mask) =>
    parts.filter((_part, bit) => ((mask + 1) >> bit) & 1),
  );
}
