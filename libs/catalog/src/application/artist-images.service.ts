import { Injectable, Logger } from '@nestjs/common';
import type { Artist, ExternalIds, Image } from '@app/providers';
import { DomainError, ErrorCode } from '@app/core';
import { splitNamespacedId } from '../domain/catalog-id';
import { ProviderGateway } from './provider.gateway';

export interface PicturedArtist {
  artist: Artist;
  /** False when a platform holding pictures failed: the answer is given but not kept. */
  complete: boolean;
}

type PictureSource = () => Promise<Image[]>;

/**
 * Pictures for artists whose own provider has none (MusicBrainz), from what its URL relations link, in order
 * until one has some: the linked Deezer artist (picture_small … picture_xl), the linked Spotify artist, then the
 * linked Wikidata item's image on Wikimedia Commons. The image hosts are the cover proxy's allow-listed ones, so
 * `GET /v1/cover/{id}?type=artist` relays them through its cache.
 */
@Injectable()
export class ArtistImagesService {
  private readonly logger = new Logger(ArtistImagesService.name);

  constructor(private readonly providers: ProviderGateway) {}

  async withImages(artist: Artist): Promise<PicturedArtist> {
    if (artist.images.length > 0 || splitNamespacedId(artist.id).provider !== 'musicbrainz') {
      return { artist, complete: true };
    }
    let complete = true;
    for (const source of this.sources(artist.externalIds)) {
      try {
        const images = await source();
        if (images.length > 0) {
          return { artist: { ...artist, images }, complete };
        }
      } catch (error) {
        if (!(error instanceof DomainError && error.code === ErrorCode.NOT_FOUND)) {
          // A later platform's pictures are still answered, but not kept: the failed one may have better ones.
          this.logger.warn({ msg: 'artist pictures unavailable', id: artist.id, error: (error as Error).message });
          complete = false;
        }
      }
    }
    return { artist, complete };
  }

  private sources({ deezer, spotify, wikidata }: ExternalIds): PictureSource[] {
    const sources: PictureSource[] = [];
    if (deezer) {
      sources.push(async () => (await this.providers.deezer.getArtist(deezer)).images);
    }
    if (spotify && this.providers.isEnabled('spotify')) {
      sources.push(async () => (await this.providers.spotify.getArtist(spotify)).images);
    }
    if (wikidata) {
      sources.push(() => this.providers.wikidata.itemImages(wikidata));
    }
    return sources;
  }
}
