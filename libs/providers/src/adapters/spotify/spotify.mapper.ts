import type {
  Album,
  Artist,
  ArtistCredit,
  ExternalUrl,
  Image,
  PlaylistHead,
  PlaylistPage,
  SearchPage,
  Track,
} from '../../domain/music.model';
import { JsonReader } from '../../upstream/json-reader';
import { dateOnly, joinCredits, namespaced, simpleCredit } from '../adapter.helpers';

const sp = (id: string): string => namespaced('spotify', id);

function images(r: JsonReader | undefined, types: string[]): Image[] {
  const list = (r?.optList('images') ?? []).flatMap((image) => {
    const url = image.optStr('url');
    return url ? [{ url, width: image.optNum('width'), height: image.optNum('height'), types, thumbnails: [] }] : [];
  });
  if (list.length === 0) {
    return [];
  }
  const [largest, ...rest] = [...list].sort((a, b) => (b.width ?? 0) - (a.width ?? 0));
  return [{ ...largest, thumbnails: rest }];
}

function urls(r: JsonReader): ExternalUrl[] {
  const url = r.optObj('external_urls')?.optStr('spotify');
  return url ? [{ type: 'spotify', url }] : [];
}

function credits(r: JsonReader): ArtistCredit[] {
  return joinCredits(r.optList('artists').map((a) => simpleCredit('spotify', a.optStr('id'), a.str('name'))));
}

export function mapArtist(r: JsonReader): Artist {
  const id = r.id('id');
  return {
    id: sp(id),
    name: r.str('name'),
    genres: r.strings('genres').map((name) => ({ name })),
    tags: [],
    images: images(r, ['picture']),
    urls: urls(r),
    externalIds: { spotify: id },
  };
}

export function mapTrack(r: JsonReader, albumOverride?: JsonReader): Track {
  const id = r.id('id');
  const code = r.optObj('external_ids')?.optStr('isrc');
  const isrcs = code ? [code.toUpperCase()] : [];
  const album = r.optObj('album') ?? albumOverride;
  const albumId = album?.optStr('id');
  return {
    id: sp(id),
    title: r.str('name'),
    durationMs: r.optNum('duration_ms'),
    isrcs,
    artistCredit: credits(r),
    position: r.optNum('track_number'),
    discNumber: r.optNum('disc_number'),
    explicit: r.optBool('explicit'),
    firstReleaseDate: dateOnly(album?.optStr('release_date')),
    albumId: albumId ? sp(albumId) : undefined,
    albumTitle: album?.optStr('name'),
    previewUrl: r.optStr('preview_url'),
    genres: [],
    tags: [],
    images: images(album, ['cover']),
    urls: urls(r),
    externalIds: { spotify: id, isrcs },
  };
}

export function mapAlbum(r: JsonReader): Album {
  const id = r.id('id');
  const upc = r.optObj('external_ids')?.optStr('upc') ?? r.optObj('external_ids')?.optStr('ean');
  const album: Album = {
    id: sp(id),
    title: r.str('name'),
    primaryType: r.optStr('album_type'),
    secondaryTypes: [],
    firstReleaseDate: dateOnly(r.optStr('release_date')),
    artistCredit: credits(r),
    genres: r.strings('genres').map((name) => ({ name })),
    tags: [],
    images: images(r, ['cover']),
    urls: urls(r),
    externalIds: { spotify: id, barcode: upc },
    releases: [],
  };
  const tracks = r
    .optObj('tracks')
    ?.optList('items')
    .map((item) => mapTrack(item, r));
  if (!tracks) {
    return album;
  }
  const discs = [...new Set(tracks.map((t) => t.discNumber ?? 1))].sort((a, b) => a - b);
  const label = r.optStr('label');
  const release = {
    ...album,
    date: album.firstReleaseDate,
    barcode: upc,
    albumId: album.id,
    labels: label ? [{ name: label }] : [],
    media: discs.map((disc) => ({ position: disc, tracks: tracks.filter((t) => (t.discNumber ?? 1) === disc) })),
    trackCount: r.optNum('total_tracks') ?? tracks.length,
  };
  return { ...album, releases: [release] };
}

/** `{ "<kind>s": { items, total, offset } }`. */
export function mapSearch<T>(json: unknown, key: string, map: (r: JsonReader) => T): SearchPage<T> {
  const page = JsonReader.of(json).obj(key);
  const items = page.list('items').map((item) => map(item));
  return { items, total: page.optNum('total') ?? items.length, offset: page.optNum('offset') ?? 0 };
}

/** `/v1/playlists/<id>`: name, description and the reported track count (tracks are paged separately). */
export function mapPlaylistHead(r: JsonReader): PlaylistHead {
  return {
    id: sp(r.id('id')),
    name: r.str('name'),
    description: r.optStr('description') || undefined,
    owner: r.optObj('owner')?.optStr('display_name'),
    images: images(r, ['picture']),
    total: r.optObj('tracks')?.optNum('total') ?? 0,
    urls: urls(r),
  };
}

/**
 * One page of `/v1/playlists/<id>/tracks`: `{ items: [{ track }], next }`. A removed track (`track: null`),
 * a local file or an episode has no catalog id; it is listed as unavailable with what the page says about it.
 */
export function mapPlaylistTracks(json: unknown): PlaylistPage {
  const page = JsonReader.of(json);
  const tracks: Track[] = [];
  const unavailable: PlaylistPage['unavailable'] = [];
  for (const item of page.list('items')) {
    const track = item.optObj('track');
    if (track && track.optStr('id') && !track.optBool('is_local') && (track.optStr('type') ?? 'track') === 'track') {
      tracks.push(mapTrack(track));
    } else {
      const reason = track?.optBool('is_local') ? 'local file' : track ? 'not a track' : 'removed from spotify';
      unavailable.push({ title: track?.optStr('name') ?? '', reason });
    }
  }
  const read = tracks.length + unavailable.length;
  return { tracks, unavailable, read, next: page.optStr('next') !== undefined, total: page.optNum('total') };
}
