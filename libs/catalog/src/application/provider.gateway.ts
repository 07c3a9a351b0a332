import { Injectable } from '@nestjs/common';
import {
  DeezerAdapter,
  ItunesAdapter,
  MusicBrainzAdapter,
  SpotifyAdapter,
  WikidataAdapter,
  type Album,
  type Artist,
  type Release,
  type SearchPage,
  type Track,
} from '@app/providers';
import { DomainError } from '@app/core';
import type { SourceProvider } from '../domain/catalog-id';
import type { WindowRequest, WindowResult } from '../domain/search-paging';

export const SEARCH_TYPES = ['artist', 'album', 'release', 'track'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export type SearchItem = Artist | Album | Release | Track;

/** The most one search call answers, per provider (iTunes: in all, it has no offset). */
const SEARCH_PAGE_MAX: Readonly<Record<SourceProvider, number>> = {
  musicbrainz: 100,
  deezer: 100,
  itunes: 200,
  spotify: 50,
};

interface EntityProvider {
  getArtist(id: string): Promise<Artist>;
  getAlbum(id: string): Promise<Album>;
  getTrack(id: string): Promise<Track>;
  searchArtists(q: string, paging: { limit?: number; offset?: number }): Promise<SearchPage<Artist>>;
  searchAlbums(q: string, paging: { limit?: number; offset?: number }): Promise<SearchPage<Album>>;
  searchTracks(q: string, paging: { limit?: number; offset?: number }): Promise<SearchPage<Track>>;
}

/** The catalog's view of the providers: one adapter per source, Spotify only when it is configured. */
@Injectable()
export class ProviderGateway {
  constructor(
    readonly musicbrainz: MusicBrainzAdapter,
    readonly deezer: DeezerAdapter,
    readonly itunes: ItunesAdapter,
    readonly spotify: SpotifyAdapter,
    readonly wikidata: WikidataAdapter,
  ) {}

  isEnabled(provider: SourceProvider): boolean {
    return provider !== 'spotify' || this.spotify.enabled;
  }

  source(provider: SourceProvider): EntityProvider {
    if (!this.isEnabled(provider)) {
      throw DomainError.invalid('id', `${provider} is not enabled on this server`);
    }
    switch (provider) {
      case 'musicbrainz':
        return this.musicbrainz;
      case 'deezer':
        return this.deezer;
      case 'spotify':
        return this.spotify;
      case 'itunes':
        return {
          getArtist: (id) => this.itunes.getArtist(id),
          getAlbum: (id) => this.itunes.getAlbum(id),
          getTrack: (id) => this.itunes.getTrack(id),
          searchArtists: (q, p) =>
            this.itunes.searchArtists(q, { limit: (p.limit ?? 0) + (p.offset ?? 0) || undefined }),
          searchAlbums: (q, p) => this.itunes.searchAlbums(q, { limit: (p.limit ?? 0) + (p.offset ?? 0) || undefined }),
          searchTracks: (q, p) => this.itunes.searchTracks(q, { limit: (p.limit ?? 0) + (p.offset ?? 0) || undefined }),
        };
    }
  }

  searchPageMax(provider: SourceProvider): number {
    return SEARCH_PAGE_MAX[provider];
  }

  search(provider: SourceProvider, type: SearchType, q: string, limit: number, offset: number) {
    const source = this.source(provider);
    const paging = { limit, offset };
    const page: Promise<SearchPage<SearchItem>> =
      type === 'artist'
        ? source.searchArtists(q, paging)
        : type === 'track'
          ? source.searchTracks(q, paging)
          : type === 'release' && provider === 'musicbrainz'
            ? this.musicbrainz.searchReleases(q, paging)
            : // Other providers' albums are concrete releases (one UPC each): they answer both.
              source.searchAlbums(q, paging);
    // iTunes has no offset: it is asked for limit+offset items and the first `offset` are dropped here.
    return provider === 'itunes'
      ? page.then((p) => ({ ...p, items: p.items.slice(offset, offset + limit), offset }))
      : page;
  }

  /** One window of a provider's ranked list; `total` only where the provider reports one (iTunes counts its page). */
  async searchWindow(
    provider: SourceProvider,
    type: SearchType,
    q: string,
    window: WindowRequest,
  ): Promise<WindowResult> {
    const page = await this.search(provider, type, q, window.limit, window.offset);
    const total = provider === 'itunes' ? undefined : page.total;
    return { ...window, items: page.items, total };
  }

  /** MusicBrainz release groups have no track list; Chorus uses one release as the album's. */
  getRelease(id: string): Promise<Release> {
    return this.musicbrainz.getRelease(id);
  }
}
