import { JsonReader } from '../../upstream/json-reader';
import type { GeniusAnnotation, GeniusSong, GeniusSongHit } from '../../domain/genius.model';
import { dateOnly, namespaced } from '../adapter.helpers';

/** Every Genius answer wraps its payload: `{ meta: { status }, response: { ... } }`. */
function response(json: unknown): JsonReader {
  return JsonReader.of(json).obj('response');
}

function mapHit(r: JsonReader): GeniusSongHit {
  return {
    id: namespaced('genius', r.id('id')),
    title: r.str('title'),
    artistName: r.obj('primary_artist').str('name'),
    url: r.str('url'),
  };
}

/** `/search`: only the hits that are songs (the search also lists other kinds of result). */
export function mapSearchHits(json: unknown): GeniusSongHit[] {
  return response(json)
    .list('hits')
    .filter((hit) => hit.optStr('type') === 'song')
    .map((hit) => mapHit(hit.obj('result')));
}

/** Genius's placeholder for a song without a description. */
const NO_DESCRIPTION = '?';

/** `/songs/<id>?text_format=plain`. */
export function mapSong(json: unknown): GeniusSong {
  const song = response(json).obj('song');
  const description = song.optObj('description')?.optStr('plain')?.trim();
  return {
    ...mapHit(song),
    description: description && description !== NO_DESCRIPTION ? description : undefined,
    releaseDate: dateOnly(song.optStr('release_date')),
    releaseDateForDisplay: song.optStr('release_date_for_display'),
  };
}

/** `/referents?song_id=&text_format=plain`: each referent's annotations, in Genius's order. */
export function mapAnnotations(json: unknown): GeniusAnnotation[] {
  return response(json)
    .list('referents')
    .flatMap((referent) => {
      const fragment = referent.optStr('fragment') ?? '';
      return referent.optList('annotations').map((annotation) => ({
        id: namespaced('genius', annotation.id('id')),
        fragment,
        body: annotation.optObj('body')?.optStr('plain') ?? '',
        votes: annotation.optNum('votes_count') ?? 0,
        url: annotation.str('url'),
      }));
    });
}
