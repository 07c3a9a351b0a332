import type { Album, Artist, ExternalUrl, Image, Release, Track } from '../../domain/music.model';
import { UpstreamFailure } from '../../upstream/upstream-failure';
import { JsonReader } from '../../upstream/json-reader';
import { dateOnly, namespaced, simpleCredit, sizedImage } from '../adapter.helpers';

const itunes = (id: string): string => namespaced('itunes', id);

/** iTunes gives 30/60/100 px artwork; the same URL with `600x600bb` is the large version. */
function artwork(r: JsonReader): Image[] {
  const small = r.optStr('artworkUrl100');
  const large = small?.replace(/\/100x100bb\./, '/600x600bb.');
  return sizedImage(
    [
      [r.optStr('artworkUrl30'), 30],
      [r.optStr('artworkUrl60'), 60],
      [small, 100],
      [large !== small ? large : undefined, 600],
    ],
    ['cover'],
  );
}

function links(url: string | undefined): ExternalUrl[] {
  return url ? [{ type: 'itunes', url }] : [];
}

function genres(r: JsonReader) {
  const name = r.optStr('primaryGenreName');
  return name ? [{ name }] : [];
}

export function mapTrack(r: JsonReader): Track {
  const id = r.id('trackId');
  const collectionId = r.optStr('collectionId');
  return {
    id: itunes(id),
    title: r.str('trackName'),
    durationMs: r.optNum('trackTimeMillis'),
    isrcs: [],
    artistCredit: [simpleCredit('itunes', r.optStr('artistId'), r.str('artistName'))],
    position: r.optNum('trackNumber'),
    discNumber: r.optNum('discNumber'),
    explicit: r.has('trackExplicitness') ? r.optStr('trackExplicitness') === 'explicit' : undefined,
    firstReleaseDate: dateOnly(r.optStr('releaseDate')),
    albumId: collectionId ? itunes(collectionId) : undefined,
    albumTitle: r.optStr('collectionName'),
    previewUrl: r.optStr('previewUrl'),
    genres: genres(r),
    tags: [],
    images: artwork(r),
    urls: links(r.optStr('trackViewUrl')),
    externalIds: { itunes: id },
  };
}

function albumType(name: string): string {
  return / - EP$/.test(name) ? 'ep' : / - Single$/.test(name) ? 'single' : 'album';
}

export function mapAlbum(r: JsonReader): Album {
  const id = r.id('collectionId');
  const title = r.str('collectionName');
  return {
    id: itunes(id),
    title,
    primaryType: albumType(title),
    secondaryTypes: r.optStr('collectionType') === 'Compilation' ? ['Compilation'] : [],
    firstReleaseDate: dateOnly(r.optStr('releaseDate')),
    artistCredit: [simpleCredit('itunes', r.optStr('artistId'), r.str('artistName'))],
    genres: genres(r),
    tags: [],
    images: artwork(r),
    urls: links(r.optStr('collectionViewUrl')),
    externalIds: { itunes: id },
    releases: [],
  };
}

export function mapArtist(r: JsonReader): Artist {
  const id = r.id('artistId');
  return {
    id: itunes(id),
    name: r.str('artistName'),
    type: r.optStr('artistType'),
    genres: genres(r),
    tags: [],
    images: [],
    urls: links(r.optStr('artistLinkUrl') ?? r.optStr('artistViewUrl')),
    externalIds: { itunes: id },
  };
}

export function results(json: unknown): JsonReader[] {
  return JsonReader.of(json).list('results');
}

export function wrapperType(r: JsonReader): string | undefined {
  return r.optStr('wrapperType');
}

/** The one result of a lookup, or NOT_FOUND (iTunes answers an unknown id with zero results). */
export function single(json: unknown, type: string): JsonReader {
  const found = results(json).find((r) => wrapperType(r) === type);
  if (!found) {
    throw UpstreamFailure.status(404, undefined, 'not found');
  }
  return found;
}

/** An album lookup with `entity=song`: the collection, and its songs as the release's track list. */
export function mapAlbumWithTracks(json: unknown, barcode?: string): Album {
  const album = mapAlbum(single(json, 'collection'));
  const tracks = results(json)
    .filter((r) => wrapperType(r) === 'track')
    .map(mapTrack);
  const discs = [...new Set(tracks.map((t) => t.discNumber ?? 1))].sort((a, b) => a - b);
  const release: Release = {
    id: album.id,
    title: album.title,
    date: album.firstReleaseDate,
    barcode,
    albumId: album.id,
    artistCredit: album.artistCredit,
    labels: [],
    media: discs.map((disc) => ({ position: disc, tracks: tracks.filter((t) => (t.discNumber ?? 1) === disc) })),
    trackCount: tracks.length,
    images: album.images,
    urls: album.urls,
    externalIds: { ...album.externalIds, barcode },
  };
  return { ...album, externalIds: { ...album.externalIds, barcode }, releases: [release] };
}
