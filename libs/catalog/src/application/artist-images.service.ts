import { Injectable, Logger } from '@nestjs/common';
import type { Artist, Image } from '@app/providers';
import { DomainError, ErrorCode } from '@app/core';
import { splitNamespacedId } from '../domain/catalog-id';
import { ProviderGateway } from './provider.gateway';

export interface PicturedArtist {
  artist: Artist;
  /** False when the platform holding the pictures failed: the answer is given but not kept. */
  complete: boolean;
}

/**
 * Pictures for artists whose own provider has none (MusicBrainz): those of the linked Deezer artist
 * (picture_small … picture_xl), else of the linked Spotify artist. The image hosts are the cover proxy's
 * allow-listed ones, so `GET /v1/cover/{id}?type=artist` relays them through its cache.
 */
@Injectable()
export class ArtistImagesService {
  private readonly logger = new Logger(ArtistImagesService.name);

  constructor(private readonly providers: ProviderGateway) {}

  async withImages(artist: Artist): Promise<PicturedArtist> {
    if (artist.images.length > 0 || splitNamespacedId(artist.id).provider !== 'musicbrainz') {
      return { artist, complete: true };
    }
    const { deezer, spotify } = artist.externalIds;
    try {
      const images = await this.linkedImages(deezer, spotify);
      return { artist: { ...artist, images }, complete: true };
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
        return { artist, complete: true };
      }
      this.logger.warn({ msg: 'artist pictures unavailable', id: artist.id, error: (error as Error).message });
      return { artist, complete: false };
    }
  }

  private async linkedImages(deezer: string | undefined, spotify: string | undefined): Promise<Image[]> {
    if (deezer) {
      return (await this.providers.deezer.getArtist(deezer)).images;
    }
    if (spotify && this.providers.isEnabled('spotify')) {
      return (await this.providers.spotify.getArtist(spotify)).images;
    }
    return [];
  }
}
