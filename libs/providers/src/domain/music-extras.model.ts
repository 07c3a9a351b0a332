import type { ArtistRef, Tag } from './music.model';

/**
 * What a lookup answers only when asked (`include=`): names, relations and credits that MusicBrainz gives with
 * extra `inc=` values. Kept apart from the base entities so an answer without `include` stays as it was.
 */
export type ExtraPart = 'aliases' | 'relations' | 'credits' | 'genres' | 'tags';

export const EXTRA_PARTS: readonly ExtraPart[] = ['aliases', 'relations', 'credits', 'genres', 'tags'];

/** The entity kinds a lookup with extras is made for (MusicBrainz artist, release-group, release, recording). */
export type ExtrasKind = 'artist' | 'album' | 'release' | 'track';

/** Another name the entity is known by: a legal name, a search hint, a localized spelling. */
export interface Alias {
  name: string;
  sortName?: string;
  /** MusicBrainz alias type: "Artist name", "Legal name", "Search hint", "Release group name"… */
  type?: string;
  locale?: string;
  /** The alias is the primary name for its locale. */
  primary: boolean;
  beginDate?: string;
  endDate?: string;
}

/** One artist-to-artist relation, seen from the artist looked up. */
export interface RelatedArtist {
  artist: ArtistRef;
  /** The MusicBrainz relation type as given: "member of band", "collaboration", "subgroup"… */
  type: string;
  /** forward: the looked-up artist is the relation's subject (a person is a member of a band); backward: its object. */
  direction: 'forward' | 'backward';
  /** Instruments, "original", "founder"… as MusicBrainz lists them. */
  attributes: string[];
  beginDate?: string;
  endDate?: string;
  ended: boolean;
}

export interface ArtistRelations {
  /** For a group: its members (and former members, with end dates). */
  members: RelatedArtist[];
  /** For a person: the groups they are or were a member of. */
  memberOf: RelatedArtist[];
  collaborations: RelatedArtist[];
  /** Every other artist relation (subgroup, supporting musician, is person…). */
  other: RelatedArtist[];
}

export interface WorkRef {
  id: string;
  title: string;
}

/** Who did what on a recording: from its own relations (performers, producer) or its work's (composer, lyricist). */
export interface Credit {
  /** composer, lyricist, writer, producer, performer, engineer, mix, arranger… (MusicBrainz relation types). */
  role: string;
  artist: ArtistRef;
  /** The name as credited, when it differs from the artist's name. */
  credited?: string;
  /** For performers: the instruments or voice ("guitar", "lead vocals"). */
  instruments: string[];
  /** Other attributes: "additional", "guest", "co"… */
  attributes: string[];
  /** Set for credits that come from the recording's work (composer, lyricist). */
  work?: WorkRef;
}

export interface EntityExtras {
  aliases?: Alias[];
  relations?: ArtistRelations;
  credits?: Credit[];
  genres?: Tag[];
  tags?: Tag[];
}
