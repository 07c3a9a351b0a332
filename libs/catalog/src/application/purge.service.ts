import { Injectable } from '@nestjs/common';
import { HttpCache } from '@app/core';
import { formatCatalogId, parseCatalogId, type EntityKind } from '../domain/catalog-id';
import { EntityRepository } from '../persistence/entity.repository';
import { ReadThrough } from './read-through.service';
import { SearchService } from './search.service';
import { EntityExtrasService } from './entity-extras.service';
import { ENTITY_PLATFORMS } from '../domain/identity';
import { GeniusService } from './genius.service';
import { SimilarArtistsService } from './similar-artists.service';
import { SimilarTracksService } from './similar-tracks.service';
import { ExternalPlaylistsService } from './external-playlists.service';
import { LyricsService } from './lyrics.service';
import { CoverArtService } from './cover-art.service';

/** What an admin can purge by id: a catalog entity, or a Deezer or Spotify playlist's kept answers. */
export type PurgeKind = EntityKind | 'external-playlist';

/**
 * Admin: forget one entity or one search everywhere, so the next question asks the provider again. The HTTP
 * cache is emptied whole: it keys answers by request, and which requests an entity shows up in is not known.
 */
@Injectable()
export class PurgeService {
  constructor(
    private readonly entities: EntityRepository,
    private readonly readThrough: ReadThrough,
    private readonly search: SearchService,
    private readonly httpCache: HttpCache,
    private readonly extras: EntityExtrasService,
    private readonly genius: GeniusService,
    private readonly similarArtists: SimilarArtistsService,
    private readonly similarTracks: SimilarTracksService,
    private readonly playlists: ExternalPlaylistsService,
    private readonly lyrics: LyricsService,
    private readonly coverArt: CoverArtService,
  ) {}

  async purgeEntity(rawId: string, kind: PurgeKind): Promise<number> {
    if (kind === 'external-playlist') {
      const removed = await this.playlists.forget(rawId);
      this.httpCache.clear();
      return removed;
    }
    const publicId = formatCatalogId(parseCatalogId(rawId, kind));
    await this.readThrough.forget(`${kind}:${publicId}`);
    await this.extras.forget(kind, publicId);
    // Its links answers: per platform, as artist and album links and as track links key them.
    for (const platform of ENTITY_PLATFORMS) {
      await this.readThrough.forget(`links:${kind}:${publicId}:${platform}`);
      await this.readThrough.forget(`links:${publicId}:${platform}`);
    }
    await this.forgetDerived(kind, publicId);
    const removed = await this.entities.deleteByPublicId(kind, publicId);
    this.httpCache.clear();
    return removed;
  }

  /**
   * Answers kept about the entity outside its own row: a track's Genius song and lyrics, an album's cover art,
   * an artist's similar lists.
   */
  private async forgetDerived(kind: EntityKind, publicId: string): Promise<void> {
    if (kind === 'track') {
      await this.genius.forget(publicId);
      await this.lyrics.forget(publicId);
    }
    if (kind === 'album') {
      await this.coverArt.forget(publicId);
    }
    if (kind === 'artist') {
      await this.similarArtists.forget(publicId);
      if (publicId.startsWith('deezer:')) {
        await this.similarTracks.forgetTop(publicId);
      }
    }
  }

  async purgeSearch(q: string, type: string): Promise<number> {
    const removed = await this.search.purge(q, type);
    this.httpCache.clear();
    return removed;
  }
}
