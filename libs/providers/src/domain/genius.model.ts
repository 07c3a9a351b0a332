/** A Genius song as its search lists it: enough to tell whether it is the track asked about. */
export interface GeniusSongHit {
  /** `genius:<numeric id>`. */
  id: string;
  title: string;
  /** The song's primary artist on Genius. */
  artistName: string;
  /** The song's page on genius.com. */
  url: string;
}

/** A Genius song page's facts; Genius's lyrics are never fetched or kept. */
export interface GeniusSong extends GeniusSongHit {
  /** Plain text; absent when Genius has none (it answers "?"). */
  description?: string;
  /** ISO date as precise as Genius gives it. */
  releaseDate?: string;
  /** As Genius prints it ("May 8, 2001"). */
  releaseDateForDisplay?: string;
}

/** One annotation on a lyric fragment, its body as plain text. */
export interface GeniusAnnotation {
  /** `genius:<numeric id>` of the annotation. */
  id: string;
  /** The lyric fragment it explains, as Genius quotes it. */
  fragment: string;
  body: string;
  votes: number;
  url: string;
}
