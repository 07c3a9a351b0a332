import { Injectable } from '@nestjs/common';
import { HttpClient, type QueryValue } from '../../upstream/http.client';
import type { Album, Artist, SearchPage, Track } from '../../domain/music.model';
import type { JsonReader } from '../../upstream/json-reader';
import { barcode, clampLimit, numericId, requiredText } from '../adapter.helpers';
import { mapAlbum, mapAlbumWithTracks, mapArtist, mapTrack, results, single, wrapperType } from './itunes.mapper';

export interface ItunesSearchOptions {
  limit?: number;
  /** Two-letter store country; the store decides availability and prices. */
  country?: string;
}

const ENTITY = { track: 'song', album: 'album', artist: 'musicArtist' } as const;

/** iTunes Search API: search and lookup by id or UPC; preview URLs and artwork. Offsets are not supported. */
@Injectable()
export class ItunesAdapter {
  constructor(private readonly http: HttpClient) {}

  async searchTracks(term: string, options: ItunesSearchOptions = {}): Promise<SearchPage<Track>> {
    return await this.search(term, 'track', options, mapTrack);
  }

  async searchAlbums(term: string, options: ItunesSearchOptions = {}): Promise<SearchPage<Album>> {
    return await this.search(term, 'album', options, mapAlbum);
  }

  async searchArtists(term: string, options: ItunesSearchOptions = {}): Promise<SearchPage<Artist>> {
    return await this.search(term, 'artist', options, mapArtist);
  }

  async getTrack(id: string): Promise<Track> {
    return await this.lookup({ id: numericId('itunes', id) }, (json) => mapTrack(single(json, 'track')));
  }

  /** The album with its songs. */
  async getAlbum(id: string): Promise<Album> {
    return await this.lookup({ id: numericId('itunes', id), entity: 'song' }, (json) => mapAlbumWithTracks(json));
  }

  async getArtist(id: string): Promise<Artist> {
    return await this.lookup({ id: numericId('itunes', id) }, (json) => mapArtist(single(json, 'artist')));
  }

  async albumByUpc(code: string): Promise<Album> {
    const upc = barcode(code, 'upc');
    return await this.lookup({ upc, entity: 'song' }, (json) => mapAlbumWithTracks(json, upc));
  }

  private search<T>(
    term: string,
    kind: keyof typeof ENTITY,
    options: ItunesSearchOptions,
    map: (r: JsonReader) => T,
  ): Promise<SearchPage<T>> {
    const query = {
      term: requiredText(term, 'query'),
      media: 'music',
      entity: ENTITY[kind],
      limit: clampLimit(options.limit, 200),
      country: options.country,
    };
    const wanted = kind === 'track' ? 'track' : kind === 'album' ? 'collection' : 'artist';
    const parse = (json: unknown): SearchPage<T> => {
      const items = results(json)
        .filter((r) => wrapperType(r) === wanted)
        .map(map);
      return { items, total: items.length, offset: 0 };
    };
    return this.lookup(query, parse, '/search');
  }

  private lookup<T>(query: Record<string, QueryValue>, parse: (json: unknown) => T, path = '/lookup'): Promise<T> {
    return this.http.request('itunes', { path, query, parse });
  }
}
