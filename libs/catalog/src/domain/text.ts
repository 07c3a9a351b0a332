import type { ArtistCredit } from '@app/providers';

/** Lower-case, strip accents, bracketed qualifiers and punctuation: "Harder, Better (Remastered)" → "harder better". */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s*[([].*?[)\]]\s*/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The artist credit as printed: "Lady Gaga & Bruno Mars". */
export function creditLine(credits: ArtistCredit[]): string {
  return credits.map((c) => c.name + c.joinPhrase).join('');
}
