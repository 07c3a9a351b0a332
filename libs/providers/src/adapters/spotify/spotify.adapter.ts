import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import { HttpClient, type QueryValue } from '../../upstream/http.client';
import type { Album, Artist, Paging, PlaylistHead, PlaylistPage, SearchPage, Track } from '../../domain/music.model';
import { ProviderRegistry } from '../../application/provider.registry';
import { JsonReader } from '../../upstream/json-reader';
import { clampLimit, clampOffset, isrc, requiredText, spotifyId } from '../adapter.helpers';
import { mapAlbum, mapArtist, mapPlaylistHead, mapPlaylistTracks, mapSearch, mapTrack } from './spotify.mapper';
import { SpotifyTokenService } from './spotify-token.service';

const TOKEN_REJECTED = Symbol('token rejected');
/** Spotify's largest page of playlist tracks. */
export const SPOTIFY_PLAYLIST_PAGE = 100;

/**
 * Spotify Web API with a client-credentials token; enabled only when SPOTIFY_CLIENT_ID and
 * SPOTIFY_CLIENT_SECRET are set (otherwise every call is UPSTREAM_UNAVAILABLE "disabled").
 */
@Injectable()
export class SpotifyAdapter {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: SpotifyTokenService,
    private readonly registry: ProviderRegistry,
  ) {}

  get enabled(): boolean {
    return this.registry.get('spotify').enabled;
  }

  async searchTracks(query: string, paging: Paging = {}): Promise<SearchPage<Track>> {
    return await this.search('track', query, paging, (r) => mapTrack(r));
  }

  async searchAlbums(query: string, paging: Paging = {}): Promise<SearchPage<Album>> {
    return await this.search('album', query, paging, mapAlbum);
  }

  async searchArtists(query: string, paging: Paging = {}): Promise<SearchPage<Artist>> {
    return await this.search('artist', query, paging, mapArtist);
  }

  /** Tracks with this ISRC (an `isrc:` search). */
  async tracksByIsrc(code: string): Promise<Track[]> {
    const page = await this.searchTracks(`isrc:${isrc(code)}`, { limit: 10 });
    return page.items;
  }

  async getTrack(id: string): Promise<Track> {
    return await this.call(`/v1/tracks/${spotifyId(id)}`, {}, (json) => mapTrack(JsonReader.of(json)));
  }

  async getAlbum(id: string): Promise<Album> {
    return await this.call(`/v1/albums/${spotifyId(id)}`, {}, (json) => mapAlbum(JsonReader.of(json)));
  }

  async getArtist(id: string): Promise<Artist> {
    return await this.call(`/v1/artists/${spotifyId(id)}`, {}, (json) => mapArtist(JsonReader.of(json)));
  }

  /** A playlist's name, owner, images and entry count (`/v1/playlists/<id>`). */
  async playlistHead(id: string): Promise<PlaylistHead> {
    return await this.call(`/v1/playlists/${spotifyId(id)}`, {}, (json) => mapPlaylistHead(JsonReader.of(json)));
  }

  /** One page of a playlist's entries (`/v1/playlists/<id>/tracks`, at most SPOTIFY_PLAYLIST_PAGE). */
  async playlistTracks(id: string, offset: number, limit: number): Promise<PlaylistPage> {
    const query = { offset: clampOffset(offset), limit: clampLimit(limit, SPOTIFY_PLAYLIST_PAGE) };
    return await this.call(`/v1/playlists/${spotifyId(id)}/tracks`, query, mapPlaylistTracks);
  }

  private search<T>(kind: string, query: string, paging: Paging, map: (r: JsonReader) => T): Promise<SearchPage<T>> {
    const params = {
      q: requiredText(query, 'query'),
      type: kind,
      limit: clampLimit(paging.limit, 50, 20),
      offset: clampOffset(paging.offset),
    };
    return this.call('/v1/search', params, (json) => mapSearch(json, `${kind}s`, map));
  }

  /** One API call with the cached token; a rejected token is renewed once. */
  private async call<T>(path: string, query: Record<string, QueryValue>, parse: (json: unknown) => T): Promise<T> {
    if (!this.enabled) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'spotify is disabled (not configured)');
    }
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const token = await this.tokens.token();
      const result = await this.http.request<T | typeof TOKEN_REJECTED>('spotify', {
        path,
        query,
        headers: { authorization: `Bearer ${token}` },
        acceptStatuses: [401],
        parse: (json, status) => (status === 401 ? TOKEN_REJECTED : parse(json)),
      });
      if (result !== TOKEN_REJECTED) {
        return result;
      }
      this.tokens.invalidate(token);
    }
    throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'spotify rejected the access token');
  }
}
