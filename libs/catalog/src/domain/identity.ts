import { urlRelId, type ExternalIds, type ExternalReference, type ExternalUrl } from '@app/providers';
import { splitNamespacedId, type SourceProvider } from './catalog-id';

export type LinkedKind = 'artist' | 'album' | 'track';

/** Platforms with a Chorus namespace: their references are namespaced ids a lookup takes. */
export const ENTITY_PLATFORMS: readonly SourceProvider[] = ['musicbrainz', 'deezer', 'itunes', 'spotify'];

/** Confidence of each way of matching; a name alone never links (it needs corroborating evidence first). */
export const CONFIDENCE = { source: 1, 'url-rel': 1, isrc: 1, upc: 1, metadata: 0.8, name: 0.9 } as const;

const PAGES: Record<string, (kind: LinkedKind, id: string) => string | undefined> = {
  musicbrainz: (kind, id) =>
    `https://musicbrainz.org/${{ artist: 'artist', album: 'release-group', track: 'recording' }[kind]}/${id}`,
  deezer: (kind, id) => `https://www.deezer.com/${kind}/${id}`,
  spotify: (kind, id) => `https://open.spotify.com/${kind}/${id}`,
  discogs: (kind, id) =>
    kind === 'track' ? undefined : `https://www.discogs.com/${kind === 'album' ? 'master' : kind}/${id}`,
  wikidata: (_kind, id) => `https://www.wikidata.org/wiki/${id}`,
};

/** The reference's id as Chorus shows it: namespaced (`deezer:27`, `discogs:1289`, `wikidata:Q185828`). */
export function referenceId(platform: string, nativeId: string): string {
  return `${platform}:${nativeId}`;
}

/** The platform's own page of an entity, when its form is known. */
export function platformPage(platform: string, kind: LinkedKind, nativeId: string): string | undefined {
  return PAGES[platform]?.(kind, nativeId);
}

/** The entity's own reference: always there, always certain. */
export function sourceReference(kind: LinkedKind, id: string, urls: readonly ExternalUrl[]): ExternalReference {
  const { provider, nativeId } = splitNamespacedId(id);
  const url = urls.find((u) => u.type === provider)?.url ?? platformPage(provider, kind, nativeId);
  return { platform: provider, id, url, matchedBy: 'source', confidence: 1, evidence: ['the entity itself'] };
}

/**
 * `urlRelId` of a kind's URL, remembered: an entity read from PostgreSQL is mapped on every read, and parsing its
 * URLs (WHATWG URL and the platform patterns) was ~5 µs of the ~9 µs `urlRelReferences` took per artist read
 * (microbenchmark; ~2% of a database-tier request). The answer depends on the string alone; the map is emptied
 * when full, so it never holds more than this many URLs.
 */
const URL_REL_MEMO_MAX = 4096;
const urlRelMemo: Record<LinkedKind, Map<string, ReturnType<typeof urlRelId> | null>> = {
  artist: new Map(),
  album: new Map(),
  track: new Map(),
};

function rememberedUrlRelId(url: string, kind: LinkedKind): ReturnType<typeof urlRelId> {
  const memo = urlRelMemo[kind];
  const known = memo.get(url);
  if (known !== undefined) {
    return known ?? undefined;
  }
  const found = urlRelId(url, kind);
  if (memo.size >= URL_REL_MEMO_MAX) {
    memo.clear();
  }
  memo.set(url, found ?? null);
  return found;
}

/** What a MusicBrainz entity's URL relations say it is on the other platforms. */
export function urlRelReferences(kind: LinkedKind, id: string, urls: readonly ExternalUrl[]): ExternalReference[] {
  const references: ExternalReference[] = [];
  if (splitNamespacedId(id).provider !== 'musicbrainz') {
    return references;
  }
  const seen = new Set<string>();
  for (const { url } of urls) {
    const found = rememberedUrlRelId(url, kind);
    if (!found || seen.has(found.platform)) {
      continue;
    }
    seen.add(found.platform);
    references.push({
      platform: found.platform,
      id: referenceId(found.platform, found.id),
      url,
      matchedBy: 'url-rel',
      confidence: 1,
      evidence: [`MusicBrainz URL relation ${url}`],
    });
  }
  return references;
}

/**
 * The entity's externalIds with every reference the catalog keeps for its cluster: one id per platform (the
 * most confident reference wins; its own id always), and the full list under `references`.
 */
export function withReferences(
  own: ExternalIds,
  selfId: string,
  references: readonly ExternalReference[],
): ExternalIds {
  const best = new Map<string, ExternalReference>();
  for (const ref of references) {
    const kept = best.get(ref.platform);
    if (ref.id === selfId || !kept || (kept.id !== selfId && ref.confidence > kept.confidence)) {
      best.set(ref.platform, ref);
    }
  }
  const ids: Record<string, string> = {};
  for (const [platform, ref] of best) {
    ids[platform] = splitNamespacedId(ref.id).nativeId;
  }
  const unique = new Map(references.map((r) => [`${r.platform}|${r.id}|${r.matchedBy}`, r]));
  // Object.assign, not `{ ...own, ...ids, references }`: on Node 20 that spread costs ~7 µs per call (V8 takes a
  // slow path when a spread literal adds keys its first source lacks), ~0.4 µs this way; once per database read.
  return Object.assign({}, own, ids, { references: [...unique.values()] });
}
