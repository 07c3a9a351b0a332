import { Injectable } from '@nestjs/common';
import { HttpClient, type QueryValue } from '../../upstream/http.client';
import type { Album, Artist, Paging, PlaylistHead, PlaylistPage, SearchPage, Track } from '../../domain/music.model';
import { JsonReader } from '../../upstream/json-reader';
import { barcode, clampLimit, clampOffset, isrc, numericId, requiredText } from '../adapter.helpers';
import {
  deezerError,
  mapAlbum,
  mapArtist,
  mapPage,
  mapPlaylistHead,
  mapPlaylistTracks,
  mapTrack,
} from './deezer.mapper';

/** Deezer's largest page of playlist tracks. */
export const DEEZER_PLAYLIST_PAGE = 100;

/**
 * Deezer public API: search (incl. advanced `artist:"…" track:"…"` queries), track/album/artist by id,
 * track by ISRC, album by UPC; 30 s preview URLs. Errors reported inside a 200 body are errors here.
 */
@Injectable()
export class DeezerAdapter {
  constructor(private readonly http: HttpClient) {}

  async searchTracks(query: string, paging: Paging = {}): Promise<SearchPage<Track>> {
    return await this.search('track', query, paging, mapTrack);
  }

  async searchAlbums(query: string, paging: Paging = {}): Promise<SearchPage<Album>> {
    return await this.search('album', query, paging, mapAlbum);
  }

  async searchArtists(query: string, paging: Paging = {}): Promise<SearchPage<Artist>> {
    return await this.search('artist', query, paging, mapArtist);
  }

  async getTrack(id: string): Promise<Track> {
    return await this.get(`/track/${numericId('deezer', id)}`, {}, mapTrack);
  }

  async getAlbum(id: string): Promise<Album> {
    return await this.get(`/album/${numericId('deezer', id)}`, {}, mapAlbum);
  }

  async getArtist(id: string): Promise<Artist> {
    return await this.get(`/artist/${numericId('deezer', id)}`, {}, mapArtist);
  }

  async trackByIsrc(code: string): Promise<Track> {
    return await this.get(`/track/isrc:${isrc(code)}`, {}, mapTrack);
  }

  async albumByUpc(code: string): Promise<Album> {
    return await this.get(`/album/upc:${barcode(code, 'upc')}`, {}, mapAlbum);
  }

  /** Deezer's related artists (`/artist/<id>/related`), most related first. */
  async relatedArtists(id: string, limit: number): Promise<SearchPage<Artist>> {
    const path = `/artist/${numericId('deezer', id)}/related`;
    return await this.request(path, { limit: clampLimit(limit, 100) }, (json) => mapPage(json, 0, mapArtist));
  }

  /**
   * The artist's most played tracks (`/artist/<id>/top`). These items carry no ISRC, release date or position:
   * they are summaries of the tracks, not lookups.
   */
  async topTracks(id: string, limit: number): Promise<SearchPage<Track>> {
    const path = `/artist/${numericId('deezer', id)}/top`;
    return await this.request(path, { limit: clampLimit(limit, 100) }, (json) => mapPage(json, 0, mapTrack));
  }

  /** A public playlist's name, owner, picture and entry count (`/playlist/<id>`). */
  async playlistHead(id: string): Promise<PlaylistHead> {
    return await this.get(`/playlist/${numericId('deezer', id)}`, {}, mapPlaylistHead);
  }

  /** One page of a public playlist's tracks (`/playlist/<id>/tracks`, at most DEEZER_PLAYLIST_PAGE entries). */
  async playlistTracks(id: string, offset: number, limit: number): Promise<PlaylistPage> {
    const query = { index: clampOffset(offset), limit: clampLimit(limit, DEEZER_PLAYLIST_PAGE) };
    return await this.request(`/playlist/${numericId('deezer', id)}/tracks`, query, mapPlaylistTracks);
  }

  private search<T>(kind: string, query: string, paging: Paging, map: (r: JsonReader) => T): Promise<SearchPage<T>> {
    const index = clampOffset(paging.offset);
    const params = { q: requiredText(query, 'query'), index, limit: clampLimit(paging.limit, 100) };
    return this.request(`/search/${kind}`, params, (json) => mapPage(json, index, map));
  }

  private get<T>(path: string, query: Record<string, QueryValue>, map: (r: JsonReader) => T): Promise<T> {
    return this.request(path, query, (json) => map(JsonReader.of(json)));
  }

  private request<T>(path: string, query: Record<string, QueryValue>, map: (json: unknown) => T): Promise<T> {
    return this.http.request('deezer', {
      path,
      query,
      parse: (json) => {
        const failure = deezerError(json);
        if (failure) {
          throw failure;
        }
        return map(json);
      },
    });
  }
}
