import { Inject, Injectable } from '@nestjs/common';
import type { Artist } from '@app/providers';
import { Answers, DomainError, ErrorCode, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { splitNamespacedId } from '../domain/catalog-id';
import { platformIdsFromUrls } from '../domain/artist-evidence';
import { normalizeText } from '../domain/text';
import { SearchRepository } from '../persistence/search.repository';
import { LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';
import { ReadThrough } from './read-through.service';

/** The most related artists kept per artist: Deezer's own list is about 20 long. */
export const SIMILAR_MAX = 50;

/** Deezer's related artists of one artist, as kept: the whole list, paged when answered. */
export interface RelatedArtists {
  /** The Deezer artist the list comes from; absent when Deezer has no counterpart (the list is then empty). */
  deezerArtistId?: string;
  items: Artist[];
  total: number;
}

export interface SimilarArtistsPage {
  artistId: string;
  deezerArtistId: string;
  items: Artist[];
  total: number;
  limit: number;
  offset: number;
}

function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.NOT_FOUND;
}

/**
 * Similar artists: Deezer's related artists of the artist's Deezer counterpart, found through the id itself
 * (deezer:), the artist's platform links (a MusicBrainz "free streaming" URL), or an exact name match on Deezer.
 */
/** How kept related-artist lists are filed in catalog_searches (by the artist's public id). */
const SIMILAR_ARTISTS_TYPE = 'similar-artists';

@Injectable()
export class SimilarArtistsService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly searches: SearchRepository,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async list(rawId: string, limit: number, offset: number): Promise<Answer<SimilarArtistsPage>> {
    const { artist, related } = await this.related(rawId);
    const { items, deezerArtistId } = related.value;
    const page = {
      artistId: artist.value.id,
      deezerArtistId: deezerArtistId ?? '',
      items: items.slice(offset, offset + limit),
      total: items.length,
      limit,
      offset,
    };
    return Answers.combine(page, [artist, related]);
  }

  /** Admin purge: the artist's kept related artists, from PostgreSQL and every cache. */
  async forget(artistId: string): Promise<number> {
    const key = `similar-artists:${artistId}`;
    const keys = await this.searches.deleteQuery(SIMILAR_ARTISTS_TYPE, artistId);
    for (const each of new Set([key, ...keys])) {
      await this.readThrough.forget(each);
    }
    return keys.length;
  }

  /** The artist (any platform's id) and its kept related artists; the first question asks Deezer. */
  async related(rawId: string): Promise<{ artist: Answer<Artist>; related: Answer<RelatedArtists> }> {
    const artist = await this.lookups.getArtist(rawId);
    const key = `similar-artists:${artist.value.id}`;
    const ttls = catalogTtls(this.settings);
    const related = await this.readThrough.read<RelatedArtists>({
      key,
      ttlSeconds: ttls.search,
      notFoundTtlSeconds: ttls.notFound,
      load: () => this.searches.find<RelatedArtists>(key),
      fetch: () => this.fetchRelated(artist.value),
      save: (value, expiresAt) =>
        this.searches.save(
          key,
          { type: SIMILAR_ARTISTS_TYPE, query: artist.value.id, provider: 'deezer' },
          value,
          expiresAt,
        ),
    });
    return { artist, related };
  }

  private async fetchRelated(artist: Artist): Promise<RelatedArtists> {
    const deezerId = await this.deezerArtistOf(artist);
    if (!deezerId) {
      return { items: [], total: 0 };
    }
    const deezerArtistId = `deezer:${deezerId}`;
    try {
      const page = await this.providers.deezer.relatedArtists(deezerId, SIMILAR_MAX);
      const items = page.items.filter((item) => item.id !== deezerArtistId).slice(0, SIMILAR_MAX);
      return { deezerArtistId, items, total: items.length };
    } catch (error) {
      // Deezer's "no data" for an artist it knows: it has no related artists for it, which is an answer too.
      if (isNotFound(error)) {
        return { deezerArtistId, items: [], total: 0 };
      }
      throw error;
    }
  }

  /** The artist's Deezer id: its own, a linked one, or the first Deezer artist of exactly the same name. */
  private async deezerArtistOf(artist: Artist): Promise<string | undefined> {
    const { provider, nativeId } = splitNamespacedId(artist.id);
    if (provider === 'deezer') {
      return nativeId;
    }
    const linked = artist.externalIds.deezer ?? platformIdsFromUrls(artist.urls).deezer;
    if (linked) {
      return linked;
    }
    const name = normalizeText(artist.name);
    const page = await this.providers.deezer.searchArtists(artist.name, { limit: 10 });
    const match = page.items.find((candidate) => normalizeText(candidate.name) === name);
    return match ? splitNamespacedId(match.id).nativeId : undefined;
  }
}
