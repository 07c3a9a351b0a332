import { Inject, Injectable } from '@nestjs/common';
import type { Album } from '@app/providers';
import { Answers, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { formatCatalogId, parseCatalogId } from '../domain/catalog-id';
import { SearchRepository, type StoredSearch } from '../persistence/search.repository';
import { ReadThrough } from './read-through.service';
import { LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';

export interface AlbumPage {
  items: Album[];
  total: number;
  limit: number;
  offset: number;
}

/** An artist's albums, a page at a time; kept like a search answer. */
@Injectable()
export class ArtistAlbumsService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly searches: SearchRepository,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async list(rawId: string, limit: number, offset: number): Promise<Answer<AlbumPage>> {
    const id = parseCatalogId(rawId, 'artist');
    const artist = await this.lookups.getArtist(formatCatalogId(id));
    const key = `artist-albums:${artist.value.id}:${limit}:${offset}`;
    const answer = await this.readThrough.read<StoredSearch<Album>>({
      key,
      ttlSeconds: catalogTtls(this.settings).search,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.searches.find<StoredSearch<Album>>(key),
      fetch: async () => {
        const query =
          id.provider === 'musicbrainz' ? `arid:${id.nativeId}` : this.byName(id.provider, artist.value.name);
        const page = await this.providers.search(id.provider, 'album', query, limit, offset);
        const items = (page.items as Album[]).filter(
          (album) => id.provider === 'musicbrainz' || album.artistCredit.some((c) => c.artist.id === artist.value.id),
        );
        return { items, total: id.provider === 'musicbrainz' ? page.total : items.length };
      },
      save: (value, expiresAt) =>
        this.searches.save(
          key,
          { type: 'artist-albums', query: artist.value.id, provider: id.provider },
          value,
          expiresAt,
        ),
    });
    return Answers.combine({ items: answer.value.items, total: answer.value.total, limit, offset }, [artist, answer]);
  }

  private byName(provider: string, name: string): string {
    return provider === 'itunes' ? name : `artist:"${name.replaceAll('"', '')}"`;
  }
}
