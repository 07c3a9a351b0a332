import type { ExternalIds, ExternalUrl } from '@app/providers';
import { parseMusicUrl } from './url-parser';

/**
 * The platform ids an artist's MusicBrainz URL relations name (e.g. "free streaming" → deezer.com/artist/415):
 * evidence beyond the name that a Deezer, Apple or Spotify artist is this one.
 */
export function platformIdsFromUrls(urls: readonly ExternalUrl[]): ExternalIds {
  const ids: ExternalIds = {};
  for (const { url } of urls) {
    try {
      const parsed = parseMusicUrl(url);
      if (parsed.kind === 'artist' && parsed.provider !== 'musicbrainz') {
        ids[parsed.provider] ??= parsed.nativeId;
      }
    } catch {
      // Not a platform link (homepage, Discogs, Wikidata…): no evidence either way.
      continue;
    }
  }
  return ids;
}
