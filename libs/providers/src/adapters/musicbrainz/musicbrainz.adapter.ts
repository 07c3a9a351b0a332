import { Injectable } from '@nestjs/common';
import { HttpClient, type QueryValue } from '../../upstream/http.client';
import type { Album, Artist, Paging, Release, SearchPage, Track } from '../../domain/music.model';
import { JsonReader } from '../../upstream/json-reader';
import { barcode, clampLimit, clampOffset, isrc, mbid, requiredText } from '../adapter.helpers';
import { mapAlbum, mapArtist, mapIsrcRecordings, mapRelease, mapSearch, mapTrack } from './musicbrainz.mapper';
import type { EntityExtras, ExtraPart, ExtrasKind } from '../../domain/music-extras.model';
import { mapExtras } from './musicbrainz-extras.mapper';

const INC = {
  artist: 'aliases genres tags url-rels',
  album: 'artist-credits releases genres tags url-rels',
  release: 'artist-credits labels recordings isrcs release-groups media genres url-rels',
  track: 'artist-credits isrcs releases release-groups genres tags url-rels',
  isrc: 'artist-credits isrcs',
};

/** MusicBrainz's entity path and the `inc=` values each extra part needs (recording credits: the works' too). */
const EXTRAS_ENTITY: Readonly<Record<ExtrasKind, string>> = {
  artist: 'artist',
  album: 'release-group',
  release: 'release',
  track: 'recording',
};
const EXTRAS_INC: Readonly<Record<ExtraPart, string>> = {
  aliases: 'aliases',
  relations: 'artist-rels',
  credits: 'artist-rels work-rels work-level-rels',
  genres: 'genres',
  tags: 'tags',
};

/** The most hits one MusicBrainz search answers: a batch of MBIDs is asked for in groups this large. */
export const MUSICBRAINZ_SEARCH_PAGE = 100;

/** `rid:"a" OR rid:"b"`: the search for these MBIDs in one id field (rid, rgid, arid). */
function idQuery(field: string, ids: readonly string[]): string {
  return ids.map((id) => `${field}:"${mbid(id)}"`).join(' OR ');
}

/**
 * MusicBrainz WS/2 (JSON). Searches take a Lucene query (`artist:"Daft Punk" AND country:FR`) and return
 * MusicBrainz's relevance score; lookups take an MBID (bare or `musicbrainz:`-prefixed).
 */
@Injectable()
export class MusicBrainzAdapter {
  constructor(private readonly http: HttpClient) {}

  async searchArtists(query: string, paging: Paging = {}): Promise<SearchPage<Artist>> {
    return await this.search('artist', query, paging, (r) => mapSearch(r, 'artists', mapArtist));
  }

  async searchAlbums(query: string, paging: Paging = {}): Promise<SearchPage<Album>> {
    return await this.search('release-group', query, paging, (r) => mapSearch(r, 'release-groups', mapAlbum));
  }

  async searchReleases(query: string, paging: Paging = {}): Promise<SearchPage<Release>> {
    return await this.search('release', query, paging, (r) => mapSearch(r, 'releases', mapRelease));
  }

  async searchTracks(query: string, paging: Paging = {}): Promise<SearchPage<Track>> {
    return await this.search('recording', query, paging, (r) => mapSearch(r, 'recordings', mapTrack));
  }

  async getArtist(id: string): Promise<Artist> {
    return await this.get(`/ws/2/artist/${mbid(id)}`, { inc: INC.artist }, mapArtist);
  }

  async getAlbum(id: string): Promise<Album> {
    return await this.get(`/ws/2/release-group/${mbid(id)}`, { inc: INC.album }, mapAlbum);
  }

  async getRelease(id: string): Promise<Release> {
    return await this.get(`/ws/2/release/${mbid(id)}`, { inc: INC.release }, mapRelease);
  }

  async getTrack(id: string): Promise<Track> {
    return await this.get(`/ws/2/recording/${mbid(id)}`, { inc: INC.track }, mapTrack);
  }

  /**
   * The extra parts of one entity (aliases, relations, credits, genres, tags) in one lookup whose `inc=` asks for
   * exactly those. A part MusicBrainz has nothing for comes back as an empty list.
   */
  async getExtras(kind: ExtrasKind, id: string, parts: readonly ExtraPart[]): Promise<EntityExtras> {
    const inc = [...new Set(parts.flatMap((part) => EXTRAS_INC[part].split(' ')))].join(' ');
    return await this.get(`/ws/2/${EXTRAS_ENTITY[kind]}/${mbid(id)}`, { inc }, (r) => mapExtras(r, parts));
  }

  /**
   * Many entities by MBID in one call: MusicBrainz has no multi-id lookup, so this is a search on the id field
   * (at most MUSICBRAINZ_SEARCH_PAGE ids). Search hits carry less than lookups: no genres and no URL relations
   * (release groups' releases come without dates either). An id the search index lacks is simply absent, which
   * does not prove it unknown (the index trails the database).
   */
  async artistsByIds(ids: readonly string[]): Promise<Artist[]> {
    return (await this.searchArtists(idQuery('arid', ids), { limit: MUSICBRAINZ_SEARCH_PAGE })).items;
  }

  async albumsByIds(ids: readonly string[]): Promise<Album[]> {
    return (await this.searchAlbums(idQuery('rgid', ids), { limit: MUSICBRAINZ_SEARCH_PAGE })).items;
  }

  async tracksByIds(ids: readonly string[]): Promise<Track[]> {
    return (await this.searchTracks(idQuery('rid', ids), { limit: MUSICBRAINZ_SEARCH_PAGE })).items;
  }

  /** The recordings carrying an ISRC; NOT_FOUND when MusicBrainz knows none. */
  async tracksByIsrc(code: string): Promise<Track[]> {
    const value = isrc(code);
    return await this.get(`/ws/2/isrc/${value}`, { inc: INC.isrc }, (r) => mapIsrcRecordings(r, value));
  }

  /**
   * Releases found by a barcode search, one query for every spelling of the code (`barcode:(A OR B)`); empty
   * when none. A search hit is a candidate only: callers check the release carries the barcode.
   */
  async releasesByBarcode(...codes: string[]): Promise<Release[]> {
    const values = codes.map((code) => barcode(code));
    const query = values.length === 1 ? `barcode:${values[0]}` : `barcode:(${values.join(' OR ')})`;
    const page = await this.searchReleases(query, { limit: 25 });
    return page.items;
  }

  private search<T>(
    entity: string,
    query: string,
    paging: Paging,
    map: (r: JsonReader) => SearchPage<T>,
  ): Promise<SearchPage<T>> {
    const params = {
      query: requiredText(query, 'query'),
      limit: clampLimit(paging.limit, 100),
      offset: clampOffset(paging.offset),
    };
    return this.get(`/ws/2/${entity}`, params, map);
  }

  private get<T>(path: string, query: Record<string, QueryValue>, map: (r: JsonReader) => T): Promise<T> {
    return this.http.request('musicbrainz', {
      path,
      query: { ...query, fmt: 'json' },
      parse: (json) => map(JsonReader.of(json)),
    });
  }
}
