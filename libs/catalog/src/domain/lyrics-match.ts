import type { Lyrics } from '@app/providers';
import { normalizeText } from './text';

/** LrcLib's own tolerance on a signature's duration: a candidate further off is another recording. */
export const LYRICS_DURATION_TOLERANCE_MS = 2_000;

export interface LyricsTarget {
  /** The whole credit as printed ("Lady Gaga & Bruno Mars"). */
  artist: string;
  /** The first credited artist, which LrcLib often lists alone or followed by "feat. …". */
  primaryArtist?: string;
  title: string;
  durationMs?: number;
}

const FEATURING = /^(feat|ft|featuring|with|and|x)\b/;

function sameArtist(candidate: string, target: LyricsTarget): boolean {
  const name = normalizeText(candidate);
  const names = [target.artist, target.primaryArtist].filter((n): n is string => Boolean(n)).map(normalizeText);
  return names.some(
    (wanted) => name === wanted || (name.startsWith(`${wanted} `) && FEATURING.test(name.slice(wanted.length + 1))),
  );
}

function withinDuration(candidate: Lyrics, target: LyricsTarget): boolean {
  if (target.durationMs === undefined || candidate.durationMs === undefined) {
    return target.durationMs === undefined;
  }
  return Math.abs(candidate.durationMs - target.durationMs) <= LYRICS_DURATION_TOLERANCE_MS;
}

/** Synced lyrics beat plain ones, which beat an instrumental flag (an entry saying "no words" is the weakest claim). */
function richness(lyrics: Lyrics): number {
  return lyrics.syncedLyrics ? 3 : lyrics.plainLyrics ? 2 : lyrics.instrumental ? 1 : 0;
}

/**
 * The best of LrcLib's search candidates for a track: same normalized title and artist (or its first artist,
 * alone or "feat." others), duration within ±2 s; then the richest answer, then the closest duration. An entry
 * with neither words nor the instrumental flag says nothing and is never taken.
 */
export function bestLyricsMatch(candidates: readonly Lyrics[], target: LyricsTarget): Lyrics | undefined {
  const title = normalizeText(target.title);
  const distance = (c: Lyrics) => Math.abs((c.durationMs ?? 0) - (target.durationMs ?? 0));
  return candidates
    .filter((c) => normalizeText(c.trackName) === title && sameArtist(c.artistName, target))
    .filter((c) => withinDuration(c, target) && richness(c) > 0)
    .sort((a, b) => richness(b) - richness(a) || distance(a) - distance(b))[0];
}
