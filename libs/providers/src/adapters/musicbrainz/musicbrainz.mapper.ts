import type {
  Album,
  Artist,
  ArtistCredit,
  ExternalUrl,
  Label,
  Medium,
  Release,
  SearchPage,
  Track,
} from '../../domain/music.model';
import type { JsonReader } from '../../upstream/json-reader';
import { dateOnly, namespaced, tags } from '../adapter.helpers';
import { urlRelIds } from './url-rel-ids';

const mb = (id: string): string => namespaced('musicbrainz', id);

export function mapCredits(list: JsonReader[]): ArtistCredit[] {
  return list.map((credit) => {
    const artist = credit.obj('artist');
    const artistName = artist.str('name');
    return {
      artist: { id: mb(artist.id('id')), name: artistName, sortName: artist.optStr('sort-name') },
      name: credit.optStr('name') ?? artistName,
      joinPhrase: credit.optStr('joinphrase') ?? '',
    };
  });
}

/** url-rels only (`inc=url-rels`): `{ type: 'discogs', url: 'https://www.discogs.com/…' }`. */
export function mapUrls(relations: JsonReader[]): ExternalUrl[] {
  return relations.flatMap((relation) => {
    const resource = relation.optObj('url')?.optStr('resource');
    return relation.optStr('target-type') === 'url' && resource
      ? [{ type: relation.optStr('type') ?? 'url', url: resource }]
      : [];
  });
}

export function mapArtist(r: JsonReader): Artist {
  const id = r.id('id');
  const lifeSpan = r.optObj('life-span');
  const urls = mapUrls(r.optList('relations'));
  return {
    id: mb(id),
    name: r.str('name'),
    sortName: r.optStr('sort-name'),
    type: r.optStr('type'),
    country: r.optStr('country'),
    disambiguation: r.optStr('disambiguation'),
    beginDate: dateOnly(lifeSpan?.optStr('begin')),
    endDate: dateOnly(lifeSpan?.optStr('end')),
    genres: tags(r.optList('genres')),
    tags: tags(r.optList('tags')),
    images: [],
    urls,
    externalIds: { ...urlRelIds(urls, 'artist'), musicbrainz: id },
    score: r.optNum('score'),
  };
}

function mapLabels(list: JsonReader[]): Label[] {
  return list.flatMap((info) => {
    const label = info.optObj('label');
    const name = label?.optStr('name');
    if (!name) {
      return [];
    }
    const id = label?.optStr('id');
    return [{ id: id ? mb(id) : undefined, name, catalogNumber: info.optStr('catalog-number') }];
  });
}

function emptyTrack(id: string): Track {
  const lists = { isrcs: [], artistCredit: [], genres: [], tags: [], images: [], urls: [] };
  return { id: mb(id), title: '', ...lists, externalIds: { musicbrainz: id } };
}

/** A track of a release medium, as the recording it plays (tracks are recordings in Chorus). */
function mapMediumTrack(track: JsonReader, discNumber: number, releaseCredit: ArtistCredit[]): Track {
  const recording = track.optObj('recording');
  const base = recording ? mapTrack(recording) : emptyTrack(track.id('id'));
  const credit = track.optList('artist-credit');
  const ownCredit = credit.length > 0 ? mapCredits(credit) : base.artistCredit;
  return {
    ...base,
    title: track.optStr('title') ?? base.title,
    durationMs: track.optNum('length') ?? base.durationMs,
    artistCredit: ownCredit.length > 0 ? ownCredit : releaseCredit,
    position: track.optNum('position'),
    discNumber,
  };
}

function mapMedia(list: JsonReader[], releaseCredit: ArtistCredit[]): Medium[] {
  return list.map((medium, index) => {
    const position = medium.optNum('position') ?? index + 1;
    return {
      position,
      format: medium.optStr('format'),
      title: medium.optStr('title'),
      tracks: medium.optList('tracks').map((track) => mapMediumTrack(track, position, releaseCredit)),
    };
  });
}

export function mapRelease(r: JsonReader): Release {
  const id = r.id('id');
  const barcode = r.optStr('barcode');
  const artistCredit = mapCredits(r.optList('artist-credit'));
  const albumId = r.optObj('release-group')?.optStr('id');
  const counted = r.optList('media').reduce((sum, medium) => sum + (medium.optNum('track-count') ?? 0), 0);
  return {
    id: mb(id),
    title: r.str('title'),
    status: r.optStr('status'),
    date: dateOnly(r.optStr('date')),
    country: r.optStr('country'),
    barcode,
    disambiguation: r.optStr('disambiguation'),
    albumId: albumId ? mb(albumId) : undefined,
    artistCredit,
    labels: mapLabels(r.optList('label-info')),
    media: mapMedia(r.optList('media'), artistCredit),
    trackCount: r.optNum('track-count') ?? (counted > 0 ? counted : undefined),
    images: [],
    urls: mapUrls(r.optList('relations')),
    externalIds: { musicbrainz: id, barcode },
    score: r.optNum('score'),
  };
}

export function mapAlbum(r: JsonReader): Album {
  const id = r.id('id');
  const urls = mapUrls(r.optList('relations'));
  return {
    id: mb(id),
    title: r.str('title'),
    primaryType: r.optStr('primary-type'),
    secondaryTypes: r.strings('secondary-types'),
    firstReleaseDate: dateOnly(r.optStr('first-release-date')),
    disambiguation: r.optStr('disambiguation'),
    artistCredit: mapCredits(r.optList('artist-credit')),
    genres: tags(r.optList('genres')),
    tags: tags(r.optList('tags')),
    images: [],
    urls,
    externalIds: { ...urlRelIds(urls, 'album'), musicbrainz: id },
    releases: r.optList('releases').map(mapRelease),
    score: r.optNum('score'),
  };
}

export function mapTrack(r: JsonReader): Track {
  const id = r.id('id');
  const isrcs = r.strings('isrcs');
  const firstRelease = r.optList('releases')[0];
  const albumId = firstRelease?.optObj('release-group')?.optStr('id');
  const urls = mapUrls(r.optList('relations'));
  return {
    id: mb(id),
    title: r.str('title'),
    durationMs: r.optNum('length'),
    isrcs,
    artistCredit: mapCredits(r.optList('artist-credit')),
    firstReleaseDate: dateOnly(r.optStr('first-release-date')),
    disambiguation: r.optStr('disambiguation'),
    albumId: albumId ? mb(albumId) : undefined,
    albumTitle: firstRelease?.optStr('title'),
    genres: tags(r.optList('genres')),
    tags: tags(r.optList('tags')),
    images: [],
    urls,
    externalIds: { ...urlRelIds(urls, 'track'), musicbrainz: id, isrcs },
    score: r.optNum('score'),
  };
}

/** A search answer: `{ count, offset, <key>: [...] }`. */
export function mapSearch<T>(r: JsonReader, key: string, map: (item: JsonReader) => T): SearchPage<T> {
  const items = r.list(key).map(map);
  return { items, total: r.optNum('count') ?? items.length, offset: r.optNum('offset') ?? 0 };
}

/** `/ws/2/isrc/<isrc>`: the recordings carrying that ISRC. */
export function mapIsrcRecordings(r: JsonReader, isrc: string): Track[] {
  return r.list('recordings').map((recording) => {
    const track = mapTrack(recording);
    const isrcs = track.isrcs.length > 0 ? track.isrcs : [isrc];
    return { ...track, isrcs, externalIds: { ...track.externalIds, isrcs } };
  });
}
