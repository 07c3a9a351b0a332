import type { ArtistCredit } from '@app/providers';

/** What the library keeps of a catalog entity so lists never need a catalog call per row. */
export interface Snapshot {
  id: string;
  title: string;
  artistLine: string;
  durationMs?: number;
  artists: Array<{ id: string; name: string }>;
}

/** "Daft Punk & Pharrell Williams": the credit as printed, join phrases included. */
export function artistLine(credits: ArtistCredit[]): string {
  return credits.map((credit) => `${credit.name}${credit.joinPhrase}`).join('');
}

/** Credited artists that have a public id (platforms sometimes credit a name only), once each. */
export function creditedArtists(credits: ArtistCredit[]): Array<{ id: string; name: string }> {
  const seen = new Set<string>();
  return credits.flatMap(({ artist }) => {
    if (!artist.id || seen.has(artist.id)) {
      return [];
    }
    seen.add(artist.id);
    return [{ id: artist.id, name: artist.name }];
  });
}
