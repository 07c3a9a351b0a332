import type {
  Album,
  Artist,
  ArtistCredit,
  Image,
  PlaylistHead,
  PlaylistPage,
  Release,
  SearchPage,
  Track,
} from '../../domain/music.model';
import { UpstreamFailure } from '../../upstream/upstream-failure';
import { JsonReader } from '../../upstream/json-reader';
import { dateOnly, joinCredits, namespaced, simpleCredit, sizedImage } from '../adapter.helpers';

const dz = (id: string): string => namespaced('deezer', id);

/**
 * Deezer answers some errors with HTTP 200 and `{ "error": { "type", "message", "code" } }`:
 * 800 "no data" is a not-found, 4 "quota" and 700 "service busy" are throttling, 500/501/600 are bad
 * parameters; anything else is an upstream failure.
 */
export function deezerError(json: unknown): UpstreamFailure | undefined {
  const error = JsonReader.of(json).optObj('error');
  if (!error) {
    return undefined;
  }
  const code = error.optNum('code');
  const message = `${error.optStr('type') ?? 'error'} ${code ?? ''}: ${error.optStr('message') ?? 'unknown'}`.trim();
  if (code === 800) {
    return UpstreamFailure.status(404, undefined, `not found (${message})`);
  }
  if (code === 4 || code === 700) {
    return UpstreamFailure.status(code === 4 ? 429 : 503, 5_000, message);
  }
  if (code === 500 || code === 501 || code === 600) {
    return UpstreamFailure.status(400, undefined, message);
  }
  return new UpstreamFailure('invalid-body', `error in answer (${message})`);
}

function pictures(r: JsonReader, prefix: 'picture' | 'cover', types: string[]): Image[] {
  return sizedImage(
    [
      [r.optStr(`${prefix}_small`), 56],
      [r.optStr(`${prefix}_medium`), 250],
      [r.optStr(`${prefix}_big`), 500],
      [r.optStr(`${prefix}_xl`), 1000],
    ],
    types,
  );
}

function credits(r: JsonReader): ArtistCredit[] {
  const contributors = r.optList('contributors').filter((c) => (c.optStr('role') ?? 'Main') === 'Main');
  const artists = contributors.length > 0 ? contributors : [r.optObj('artist')].filter((a) => a !== undefined);
  return joinCredits(artists.map((a) => simpleCredit('deezer', a.optStr('id'), a.str('name'))));
}

function link(r: JsonReader) {
  const url = r.optStr('link');
  return url ? [{ type: 'deezer', url }] : [];
}

export function mapArtist(r: JsonReader): Artist {
  const id = r.id('id');
  const base = { genres: [], tags: [], externalIds: { deezer: id } };
  return { id: dz(id), name: r.str('name'), ...base, images: pictures(r, 'picture', ['picture']), urls: link(r) };
}

export function mapTrack(r: JsonReader): Track {
  const id = r.id('id');
  const code = r.optStr('isrc');
  const isrcs = code ? [code] : [];
  const album = r.optObj('album');
  const seconds = r.optNum('duration');
  return {
    id: dz(id),
    title: r.str('title'),
    durationMs: seconds === undefined ? undefined : seconds * 1000,
    isrcs,
    artistCredit: credits(r),
    position: r.optNum('track_position'),
    discNumber: r.optNum('disk_number'),
    explicit: r.optBool('explicit_lyrics'),
    firstReleaseDate: dateOnly(r.optStr('release_date')),
    albumId: album?.optStr('id') ? dz(album.id('id')) : undefined,
    albumTitle: album?.optStr('title'),
    previewUrl: r.optStr('preview'),
    genres: [],
    tags: [],
    images: album ? pictures(album, 'cover', ['cover']) : [],
    urls: link(r),
    externalIds: { deezer: id, isrcs },
  };
}

function releaseOf(album: Album, r: JsonReader, tracks: Track[]): Release {
  const label = r.optStr('label');
  return {
    id: album.id,
    title: album.title,
    date: album.firstReleaseDate,
    barcode: album.externalIds.barcode,
    albumId: album.id,
    artistCredit: album.artistCredit,
    labels: label ? [{ name: label }] : [],
    media: [
      { position: 1, tracks: tracks.map((track, index) => ({ ...track, position: track.position ?? index + 1 })) },
    ],
    trackCount: r.optNum('nb_tracks') ?? tracks.length,
    images: album.images,
    urls: album.urls,
    externalIds: album.externalIds,
  };
}

/** A Deezer album is both the album and its one release (it carries the UPC, label and track list). */
export function mapAlbum(r: JsonReader): Album {
  const id = r.id('id');
  const upc = r.optStr('upc');
  const album: Album = {
    id: dz(id),
    title: r.str('title'),
    primaryType: r.optStr('record_type'),
    secondaryTypes: [],
    firstReleaseDate: dateOnly(r.optStr('release_date')),
    artistCredit: credits(r),
    genres: (r.optObj('genres')?.optList('data') ?? []).flatMap((g) =>
      g.optStr('name') ? [{ name: g.str('name') }] : [],
    ),
    tags: [],
    images: pictures(r, 'cover', ['cover']),
    urls: link(r),
    externalIds: { deezer: id, barcode: upc },
    releases: [],
  };
  const tracks = r.optObj('tracks')?.optList('data').map(mapTrack);
  return tracks ? { ...album, releases: [releaseOf(album, r, tracks)] } : album;
}

/** `{ data: [...], total, next? }`; the offset is the request's `index`. */
export function mapPage<T>(json: unknown, offset: number, map: (r: JsonReader) => T): SearchPage<T> {
  const r = JsonReader.of(json);
  const items = r.list('data').map(map);
  return { items, total: r.optNum('total') ?? items.length, offset };
}

/** `/playlist/<id>` without its tracks (they are paged separately through `/playlist/<id>/tracks`). */
export function mapPlaylistHead(r: JsonReader): PlaylistHead {
  return {
    id: dz(r.id('id')),
    name: r.str('title'),
    description: r.optStr('description') || undefined,
    owner: r.optObj('creator')?.optStr('name'),
    images: pictures(r, 'picture', ['picture']),
    total: r.optNum('nb_tracks') ?? 0,
    urls: link(r),
  };
}

/** Deezer lists tracks it can no longer play with `readable: false`; they still have an id to resolve. */
export function mapPlaylistTracks(json: unknown): PlaylistPage {
  const r = JsonReader.of(json);
  const tracks = r.list('data').map(mapTrack);
  return {
    tracks,
    unavailable: [],
    read: tracks.length,
    next: r.optStr('next') !== undefined,
    total: r.optNum('total'),
  };
}
