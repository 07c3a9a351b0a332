import { Inject, Injectable } from '@nestjs/common';
import type { ExternalUrl, Image, PlaylistHead, PlaylistPage, Track } from '@app/providers';
import { Answers, DomainError, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import {
  formatPlaylistId,
  parseExternalPlaylistId,
  playlistHeadKey,
  playlistPageKey,
  playlistPagesPrefix,
  type ExternalPlaylistId,
} from '../domain/external-playlist';
import { SearchRepository } from '../persistence/search.repository';
import { ProviderGateway } from './provider.gateway';
import { ReadThrough } from './read-through.service';

/** A Deezer or Spotify playlist as Chorus answers it (chorus.v1.ExternalPlaylist). */
export interface ExternalPlaylist {
  id: string;
  name: string;
  description?: string;
  owner?: string;
  /** The platform's own picture URLs: playlist art is not an album or artist cover, so not the cover proxy's. */
  images: Image[];
  /** Entries the platform reports, including any it can no longer give as a track. */
  trackCount: number;
  source: ExternalPlaylistId['provider'];
  urls: ExternalUrl[];
}

/** One page of a playlist's entries, as kept: the tracks in the platform's order and the entries without one. */
interface KeptPage {
  items: Track[];
  unavailable: PlaylistPage['unavailable'];
  total: number;
}

export interface ExternalPlaylistTracksPage extends KeptPage {
  playlistId: string;
  limit: number;
  offset: number;
}

/** How a playlist's kept answers are filed in catalog_searches (by its catalog-style id). */
const PLAYLIST_TYPE = 'external-playlist';

/**
 * Deezer and Spotify playlists read in place, never imported: the head once, and each page of entries with one
 * platform call, both kept (catalog_searches, `search` freshness) so a page asked again costs no provider call.
 */
@Injectable()
export class ExternalPlaylistsService {
  constructor(
    private readonly readThrough: ReadThrough,
    private readonly searches: SearchRepository,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  /** The playlist's name, owner, images and track count; `field` is what a bad or disabled source is blamed on. */
  head(source: ExternalPlaylistId, field = 'id'): Promise<Answer<ExternalPlaylist>> {
    this.assertEnabled(source, field);
    const key = playlistHeadKey(source);
    const ttls = catalogTtls(this.settings);
    return this.readThrough.read<ExternalPlaylist>({
      key,
      ttlSeconds: ttls.search,
      notFoundTtlSeconds: ttls.notFound,
      load: () => this.searches.find<ExternalPlaylist>(key),
      fetch: async () => toExternalPlaylist(await this.platformHead(source), source),
      save: (value, expiresAt) => this.searches.saveOne(key, this.scope(source), value, expiresAt),
    });
  }

  async tracks(rawId: string, limit: number, offset: number): Promise<Answer<ExternalPlaylistTracksPage>> {
    const source = parseExternalPlaylistId(rawId);
    this.assertEnabled(source, 'id');
    const key = playlistPageKey(source, offset, limit);
    const ttls = catalogTtls(this.settings);
    const page = await this.readThrough.read<KeptPage>({
      key,
      ttlSeconds: ttls.search,
      notFoundTtlSeconds: ttls.notFound,
      load: () => this.searches.find<KeptPage>(key),
      fetch: () => this.fetchPage(source, offset, limit),
      save: (value, expiresAt) => this.searches.save(key, this.scope(source), value, expiresAt),
    });
    return Answers.map(page, (value) => ({ playlistId: formatPlaylistId(source), ...value, limit, offset }));
  }

  /**
   * Admin purge: the playlist's kept head and every kept page, from PostgreSQL and every cache, and the pages
   * remembered as "not found" (kept in catalog_misses only, so the kept searches do not name them).
   */
  async forget(rawId: string): Promise<number> {
    const source = parseExternalPlaylistId(rawId);
    const keys = await this.searches.deleteQuery(PLAYLIST_TYPE, formatPlaylistId(source));
    for (const key of new Set([playlistHeadKey(source), ...keys])) {
      await this.readThrough.forget(key);
    }
    await this.readThrough.forgetMissesUnder(playlistPagesPrefix(source));
    return keys.length;
  }

  private async fetchPage(source: ExternalPlaylistId, offset: number, limit: number): Promise<KeptPage> {
    const page =
      source.provider === 'deezer'
        ? await this.providers.deezer.playlistTracks(source.nativeId, offset, limit)
        : await this.providers.spotify.playlistTracks(source.nativeId, offset, limit);
    // Both platforms' pages carry the playlist's length; the head is asked only if one ever stops saying it.
    const total = page.total ?? (await this.head(source)).value.trackCount;
    return { items: page.tracks, unavailable: page.unavailable, total };
  }

  private platformHead(source: ExternalPlaylistId): Promise<PlaylistHead> {
    return source.provider === 'deezer'
      ? this.providers.deezer.playlistHead(source.nativeId)
      : this.providers.spotify.playlistHead(source.nativeId);
  }

  private assertEnabled(source: ExternalPlaylistId, field: string): void {
    if (!this.providers.isEnabled(source.provider)) {
      throw DomainError.invalid(field, `${source.provider} is not enabled on this server`);
    }
  }

  /** Purging a playlist's kept answers goes by this type and its id. */
  private scope(source: ExternalPlaylistId) {
    return { type: PLAYLIST_TYPE, query: formatPlaylistId(source), provider: source.provider };
  }
}

function toExternalPlaylist(head: PlaylistHead, source: ExternalPlaylistId): ExternalPlaylist {
  return {
    id: formatPlaylistId(source),
    name: head.name,
    description: head.description,
    owner: head.owner,
    images: head.images,
    trackCount: head.total,
    source: source.provider,
    urls: head.urls,
  };
}
