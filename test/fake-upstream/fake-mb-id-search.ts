import type { FixtureStore } from './fixture.store';

type Json = Record<string, unknown>;

/** The id field of each MusicBrainz search: `rid:` recordings, `rgid:` release groups, `arid:` artists. */
const ID_FIELDS: Readonly<Record<string, string>> = {
  recording: 'rid',
  'release-group': 'rgid',
  release: 'reid',
  artist: 'arid',
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The MBIDs of a query that is nothing but `rid:"a" OR rid:"b"` (quotes optional); undefined for any other. */
export function idSearchTerms(entity: string, query: string): string[] | undefined {
  const field = ID_FIELDS[entity];
  if (!field) {
    return undefined;
  }
  const term = `${field}:"?(${UUID})"?`;
  if (!new RegExp(`^${term}( OR ${term})*$`, 'i').test(query.trim())) {
    return undefined;
  }
  return [...query.matchAll(new RegExp(term, 'gi'))].map((match) => match[1].toLowerCase());
}

const omit = (value: Json, keys: readonly string[]): Json =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));

/**
 * A lookup fixture as a search hit, the way MusicBrainz's search answers it (see the search bodies in
 * ../shared/fixtures/real/musicbrainz): a score, no `genres` and no `relations` (search takes no `inc`), and
 * a release group's releases reduced to id, title and status.
 */
function asSearchHit(entity: string, lookup: Json): Json {
  const hit: Json = { ...omit(lookup, ['genres', 'relations']), score: 100 };
  if (entity === 'release-group' && Array.isArray(lookup.releases)) {
    hit.releases = (lookup.releases as Json[]).map((release) => ({
      id: release.id,
      'status-id': release['status-id'],
      title: release.title,
      status: release.status,
    }));
  }
  return hit;
}

/** The search answer for MBIDs: the hits of the ids a lookup fixture exists for, in MusicBrainz's page shape. */
export function musicbrainzIdSearch(store: FixtureStore, entity: string, ids: readonly string[]): Json {
  const hits = ids.flatMap((id) => {
    const lookup = store.read(`musicbrainz/${entity}/${id}.json`);
    return lookup !== null && typeof lookup === 'object' ? [asSearchHit(entity, lookup as Json)] : [];
  });
  return { created: new Date().toISOString(), count: hits.length, offset: 0, [`${entity}s`]: hits };
}
