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

/**
 * `/search`: only the hits that are songs. Today each hit says `type: "song"`; recordings from 2015 carry no
 * `type` at all (every hit was a song then), so a hit without one counts as a song.
 */
export function mapSearchHits(json: unknown): GeniusSongHit[] {
  return response(json)
    .list('hits')
    .filter((hit) => (hit.optStr('type') ?? 'song') === 'song')
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
    releaseDate: dateOnly(song.optStr('release_date')) ?? componentsDate(song.optObj('release_date_components')),
    releaseDateForDisplay: song.optStr('release_date_for_display'),
  };
}

/**
 * `release_date_components` (`{ year, month, day }`, month and day null when unknown): what newer answers give
 * when `release_date` is null or left out, as precise as it goes.
 */
function componentsDate(components: JsonReader | undefined): string | undefined {
  const year = components?.optNum('year');
  if (!components || year === undefined) {
    return undefined;
  }
  const parts = [String(year).padStart(4, '0')];
  for (const part of [components.optNum('month'), components.optNum('day')]) {
    if (part === undefined) {
      break;
    }
    parts.push(String(part).padStart(2, '0'));
  }
  return parts.join('-');
}

/**
 * `/referents?song_id=&text_format=plain`: each referent's annotations, in Genius's order. The answer has no
 * `next_page`: a page shorter than `per_page` is the last one. An annotation's score is `votes_total`.
 */
export function mapAnnotations(json: unknown): GeniusAnnotation[] {
  return response(json)
    .list('referents')
    .flatMap((referent) => {
      const fragment = referent.optStr('fragment') ?? '';
      return referent.optList('annotations').map((annotation) => ({
        id: namespaced('genius', annotation.id('id')),
        fragment,
        body: annotation.optObj('body')?.optStr('plain') ?? '',
        votes: annotation.optNum('votes_total') ?? 0,
        url: annotation.str('url'),
      }));
    });
}
