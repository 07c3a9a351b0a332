import type { Tag } from '../../domain/music.model';
import type {
  Alias,
  ArtistRelations,
  Credit,
  EntityExtras,
  ExtraPart,
  RelatedArtist,
  WorkRef,
} from '../../domain/music-extras.model';
import type { JsonReader } from '../../upstream/json-reader';
import { dateOnly, namespaced, tags } from '../adapter.helpers';

/** Attributes that qualify a performance rather than name an instrument or a voice. */
const MODIFIERS = new Set(['additional', 'guest', 'solo', 'minor', 'co', 'executive', 'assistant', 'associate']);
/** Recording relations whose attributes are the instruments (or voices) played. */
const PERFORMANCES = new Set(['instrument', 'vocal', 'performer']);

function artistRef(artist: JsonReader) {
  return {
    id: namespaced('musicbrainz', artist.id('id')),
    name: artist.str('name'),
    sortName: artist.optStr('sort-name'),
  };
}

export function mapAliases(list: JsonReader[]): Alias[] {
  return list.flatMap((alias) => {
    const name = alias.optStr('name');
    if (!name) {
      return [];
    }
    return [
      {
        name,
        sortName: alias.optStr('sort-name'),
        type: alias.optStr('type'),
        locale: alias.optStr('locale'),
        primary: alias.optBool('primary') ?? false,
        beginDate: dateOnly(alias.optStr('begin')),
        endDate: dateOnly(alias.optStr('end')),
      },
    ];
  });
}

function relatedArtist(relation: JsonReader): RelatedArtist {
  return {
    artist: artistRef(relation.obj('artist')),
    type: relation.optStr('type') ?? 'related',
    direction: relation.optStr('direction') === 'backward' ? 'backward' : 'forward',
    attributes: relation.strings('attributes'),
    beginDate: dateOnly(relation.optStr('begin')),
    endDate: dateOnly(relation.optStr('end')),
    ended: relation.optBool('ended') ?? false,
  };
}

/** `inc=artist-rels` of an artist: "member of band" read from the artist's side, collaborations, the rest. */
export function mapArtistRelations(relations: JsonReader[]): ArtistRelations {
  const grouped: ArtistRelations = { members: [], memberOf: [], collaborations: [], other: [] };
  for (const relation of relations) {
    if (relation.optStr('target-type') !== 'artist' || !relation.optObj('artist')) {
      continue;
    }
    const related = relatedArtist(relation);
    if (related.type === 'member of band') {
      // Backward: the looked-up artist is the band, the related artist its member.
      (related.direction === 'backward' ? grouped.members : grouped.memberOf).push(related);
    } else if (related.type === 'collaboration') {
      grouped.collaborations.push(related);
    } else {
      grouped.other.push(related);
    }
  }
  return grouped;
}

function credit(relation: JsonReader, work?: WorkRef): Credit {
  const type = relation.optStr('type') ?? 'performer';
  const attributes = relation.strings('attributes');
  const performance = PERFORMANCES.has(type);
  const played = performance ? attributes.filter((a) => !MODIFIERS.has(a)) : [];
  return {
    role: performance ? 'performer' : type,
    artist: artistRef(relation.obj('artist')),
    credited: relation.optStr('target-credit'),
    instruments: played.length === 0 && type === 'vocal' ? ['vocals'] : played,
    attributes: attributes.filter((a) => !played.includes(a)),
    work,
  };
}

const isArtistRelation = (relation: JsonReader): boolean =>
  relation.optStr('target-type') === 'artist' && relation.optObj('artist') !== undefined;

/**
 * `inc=artist-rels work-rels work-level-rels` of a recording: its own artist relations (performers, producer,
 * engineer) and the artist relations of the works it performs (composer, lyricist, writer).
 */
export function mapCreditsOfRecording(relations: JsonReader[]): Credit[] {
  const own = relations.filter(isArtistRelation).map((relation) => credit(relation));
  const fromWorks = relations.flatMap((relation) => {
    const work = relation.optObj('work');
    if (relation.optStr('target-type') !== 'work' || !work) {
      return [];
    }
    const ref = { id: namespaced('musicbrainz', work.id('id')), title: work.optStr('title') ?? '' };
    return work
      .optList('relations')
      .filter(isArtistRelation)
      .map((workRelation) => credit(workRelation, ref));
  });
  return [...fromWorks, ...own];
}

function tagsOf(r: JsonReader, key: 'genres' | 'tags'): Tag[] {
  return tags(r.optList(key));
}

/** The parts asked for, each present (an empty list when MusicBrainz has none: the entity lacks that data). */
export function mapExtras(r: JsonReader, parts: readonly ExtraPart[]): EntityExtras {
  const extras: EntityExtras = {};
  for (const part of parts) {
    switch (part) {
      case 'aliases':
        extras.aliases = mapAliases(r.optList('aliases'));
        break;
      case 'relations':
        extras.relations = mapArtistRelations(r.optList('relations'));
        break;
      case 'credits':
        extras.credits = mapCreditsOfRecording(r.optList('relations'));
        break;
      case 'genres':
      case 'tags':
        extras[part] = tagsOf(r, part);
        break;
    }
  }
  return extras;
}
