import type { Track } from '@app/providers';
import { MATCH_DURATION_TOLERANCE_MS, sameTrack } from './track-match';

/** True when `a` and `b` are one recording: a shared ISRC, the same id, or (without ISRCs) the same metadata. */
export function sameRecording(a: Track, b: Track): boolean {
  if (a.id === b.id || a.isrcs.some((isrc) => b.isrcs.includes(isrc))) {
    return true;
  }
  // Two different ISRCs are two recordings, even under one title (a remaster, a live take).
  const bothCoded = a.isrcs.length > 0 && b.isrcs.length > 0;
  return !bothCoded && sameTrack(a, b, MATCH_DURATION_TOLERANCE_MS);
}

/**
 * The related artists' top tracks as one list: taken in turns (each artist's best, then each one's second…) so
 * the first page spans many artists, each recording once (by ISRC; Deezer's top lists carry none, so by id and
 * then by title, artist and duration), and never the seed track itself.
 */
export function mergeTopTracks(lists: readonly (readonly Track[])[], seed: Track): Track[] {
  const merged: Track[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let rank = 0; rank < longest; rank += 1) {
    for (const list of lists) {
      const candidate = list[rank];
      if (candidate && !sameRecording(candidate, seed) && !merged.some((kept) => sameRecording(kept, candidate))) {
        merged.push(candidate);
      }
    }
  }
  return merged;
}
