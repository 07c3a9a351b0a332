/**
 * Chorus's normalized music model: what every adapter returns, whatever the provider. Ids are namespaced
 * (`musicbrainz:<mbid>`, `deezer:<id>`, `itunes:<id>`, `spotify:<id>`, `lrclib:<id>`); durations are in
 * milliseconds; dates are ISO strings as precise as the provider gives them (`2014`, `2014-06`, `2014-06-20`).
 */
export type ProviderName =
  'musicbrainz' | 'coverartarchive' | 'lrclib' | 'deezer' | 'itunes' | 'spotify' | 'genius' | 'wikidata';

export const PROVIDER_NAMES: readonly ProviderName[] = [
  'musicbrainz',
  'coverartarchive',
  'lrclib',
  'deezer',
  'itunes',
  'spotify',
  'genius',
  'wikidata',
];

/** A link: `{ type: 'deezer', url: 'https://www.deezer.com/track/1' }`, or a MusicBrainz url-rel (`discogs`, `wikidata`…). */
export interface ExternalUrl {
  type: string;
  url: string;
}

export interface Image {
  url: string;
  /** Pixel size of the longest side when known (thumbnails, platform artwork sizes). */
  width?: number;
  height?: number;
  /** Cover Art Archive types (Front, Back, Booklet…) or the platform's kind ("cover", "picture"). */
  types: string[];
  front?: boolean;
  back?: boolean;
  comment?: string;
  thumbnails: Image[];
}

export interface ArtistRef {
  id: string;
  name: string;
  sortName?: string;
}

/** One part of an artist credit: `{ name: 'Lady Gaga', joinPhrase: ' & ' }`. */
export interface ArtistCredit {
  artist: ArtistRef;
  /** The name as credited on this item (may differ from the artist's name). */
  name: string;
  joinPhrase: string;
}

export interface Tag {
  name: string;
  count?: number;
}

/**
 * How one platform id of an entity is known: `source` (its own id), `url-rel` (a MusicBrainz URL relation),
 * `isrc` / `upc` (a shared code), `name` (same name, corroborated by other evidence), `metadata` (tracks: title,
 * artist and duration). `confidence` is 0..1; `evidence` says what the match rests on, in words.
 */
export interface ExternalReference {
  platform: string;
  id: string;
  url?: string;
  matchedBy: string;
  confidence: number;
  evidence: string[];
}

/** Every id and code an item is known by, used to cross-link providers. */
export interface ExternalIds {
  musicbrainz?: string;
  deezer?: string;
  itunes?: string;
  spotify?: string;
  isrcs?: string[];
  barcode?: string;
  /** From MusicBrainz URL relations: `https://www.discogs.com/artist/1289` → `1289`. */
  discogs?: string;
  /** From MusicBrainz URL relations: `Q185828`. */
  wikidata?: string;
  /** Every cross-reference the catalog keeps for the entity, with how it was made (answers only). */
  references?: ExternalReference[];
}

export interface Artist {
  id: string;
  name: string;
  sortName?: string;
  type?: string;
  country?: string;
  disambiguation?: string;
  beginDate?: string;
  endDate?: string;
  genres: Tag[];
  tags: Tag[];
  images: Image[];
  urls: ExternalUrl[];
  externalIds: ExternalIds;
  /** Search relevance 0-100 when the item comes from a search. */
  score?: number;
}

/** An album is a release group: the abstract album that has one or more concrete releases. */
export interface Album {
  id: string;
  title: string;
  primaryType?: string;
  secondaryTypes: string[];
  firstReleaseDate?: string;
  disambiguation?: string;
  artistCredit: ArtistCredit[];
  genres: Tag[];
  tags: Tag[];
  images: Image[];
  urls: ExternalUrl[];
  externalIds: ExternalIds;
  /** Releases when the provider lists them (MusicBrainz `inc=releases`). */
  releases: Release[];
  score?: number;
}

export interface Label {
  id?: string;
  name: string;
  catalogNumber?: string;
}

export interface Medium {
  position: number;
  format?: string;
  title?: string;
  tracks: Track[];
}

/** A concrete release: one edition with its barcode, labels and track list. */
export interface Release {
  id: string;
  title: string;
  status?: string;
  date?: string;
  country?: string;
  barcode?: string;
  disambiguation?: string;
  albumId?: string;
  artistCredit: ArtistCredit[];
  labels: Label[];
  media: Medium[];
  trackCount?: number;
  images: Image[];
  urls: ExternalUrl[];
  externalIds: ExternalIds;
  score?: number;
}

/** A track is a recording: the same performance wherever it appears. */
export interface Track {
  id: string;
  title: string;
  durationMs?: number;
  isrcs: string[];
  artistCredit: ArtistCredit[];
  /** Position on its medium / disc when it comes from a release or an album. */
  position?: number;
  discNumber?: number;
  explicit?: boolean;
  firstReleaseDate?: string;
  disambiguation?: string;
  albumId?: string;
  albumTitle?: string;
  previewUrl?: string;
  genres: Tag[];
  tags: Tag[];
  images: Image[];
  urls: ExternalUrl[];
  externalIds: ExternalIds;
  score?: number;
}

export interface Lyrics {
  id: string;
  trackName: string;
  artistName: string;
  albumName?: string;
  durationMs?: number;
  instrumental: boolean;
  plainLyrics?: string;
  /** LRC text: `[mm:ss.xx] line` per line. */
  syncedLyrics?: string;
}

export interface CoverArt {
  /** The MusicBrainz release the images belong to (for a release group: its chosen release). */
  releaseId?: string;
  images: Image[];
}

export interface SearchPage<T> {
  items: T[];
  total: number;
  offset: number;
}

export interface Paging {
  limit?: number;
  offset?: number;
}

/** A platform playlist as the platform describes it, without its tracks. */
export interface PlaylistHead {
  /** Catalog-style id: `deezer:908622995`, `spotify:37i9dQZF1DX0XUsuxWHRQd`. */
  id: string;
  name: string;
  description?: string;
  /** The owner's display name on the platform ("Deezer Editor", "Spotify"). */
  owner?: string;
  images: Image[];
  /** How many entries the platform reports, including any it cannot give as a track. */
  total: number;
  urls: ExternalUrl[];
}

/** One page of a platform playlist's entries, in the platform's order. */
export interface PlaylistPage {
  tracks: Track[];
  /** Entries without a usable track (removed from the platform, local files): reported, never guessed. */
  unavailable: Array<{ title: string; reason: string }>;
  /** Entries this page covered (tracks + unavailable): where the next page starts. */
  read: number;
  /** Whether the platform says there is a next page. */
  next: boolean;
  /** How many entries the whole playlist has, when the page says (Deezer's and Spotify's pages do). */
  total?: number;
}
