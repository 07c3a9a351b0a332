import type { GeniusSongHit } from '@app/providers';
import { normalizeText } from './text';

export interface GeniusTarget {
  title: string;
  /** Every credited artist's name; Genius files a song under one of them as its primary artist. */
  artistNames: readonly string[];
}

/** Case, accents and punctuation aside, but a bracketed qualifier ("(Live)", "[Remix]") still counts. */
function strict(text: string): string {
  return normalizeText(text.replace(/[()[\]]/g, ' '));
}

/**
 * The Genius song that is this track: same normalized title and one of the credited artists as its primary
 * artist. Genius's search is fuzzy (a cover, a remix, another artist's song of that name come back too), so
 * anything else is no match. A title equal with its qualifiers beats one equal only without them.
 */
export function bestGeniusMatch(hits: readonly GeniusSongHit[], target: GeniusTarget): GeniusSongHit | undefined {
  const artists = new Set(target.artistNames.map(normalizeText).filter((name) => name !== ''));
  const title = normalizeText(target.title);
  const candidates = hits.filter(
    (hit) => normalizeText(hit.title) === title && artists.has(normalizeText(hit.artistName)),
  );
  return candidates.find((hit) => strict(hit.title) === strict(target.title)) ?? candidates[0];
}
