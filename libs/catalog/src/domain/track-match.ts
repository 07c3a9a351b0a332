import type { Track } from '@app/providers';
import { normalizeText } from './search-merge';

/** Two hits with the same normalized title and artist are one recording if their durations differ by at most this. */
export const MATCH_DURATION_TOLERANCE_MS = 3_000;

function primaryArtist(track: Track): string {
  return normalizeText(track.artistCredit[0]?.name ?? '');
}

/** Same recording by metadata: normalized title and first artist equal, durations within tolerance. */
export function sameTrack(a: Track, b: Track, toleranceMs: number): boolean {
  if (normalizeText(a.title) !== normalizeText(b.title) || primaryArtist(a) !== primaryArtist(b)) {
    return false;
  }
  if (a.durationMs === undefined || b.durationMs === undefined) {
    return true;
  }
  return Math.abs(a.durationMs - b.durationMs) <= toleranceMs;
}
