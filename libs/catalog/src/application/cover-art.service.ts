import { Inject, Injectable } from '@nestjs/common';
import { CoverArtArchiveAdapter, type Image } from '@app/providers';
import { Answers, DomainError, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { splitNamespacedId } from '../domain/catalog-id';
import { LookupService, representativeRelease } from './lookup.service';
import { AnswerRepository } from '../persistence/answer.repository';
import type { AlbumView } from '../persistence/entity.repository';
import { ReadThrough } from './read-through.service';
import { CoverImageFetcher } from './cover-image.fetcher';
import type { OpenCover } from '../persistence/cover-file.store';

export interface AlbumCoverArt {
  albumId: string;
  releaseId?: string;
  images: Image[];
}

/** A kept cover opened for sending, and the host it was fetched from. */
export interface ServedCover extends OpenCover {
  source: string;
}

export const COVER_SIZES = ['250', '500', '1200', 'original'] as const;
export type CoverSize = (typeof COVER_SIZES)[number];

/** What a cover id names: an album (its front cover) or an artist (its picture). */
export const COVER_TYPES = ['album', 'artist'] as const;
export type CoverType = (typeof COVER_TYPES)[number];

/** An album's cover: its release group's front image on the Cover Art Archive, else a release's. */
@Injectable()
export class CoverArtService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly answers: AnswerRepository,
    private readonly archive: CoverArtArchiveAdapter,
    private readonly fetcher: CoverImageFetcher,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async getCoverArt(rawId: string): Promise<Answer<AlbumCoverArt>> {
    const albumAnswer = await this.lookups.getAlbum(rawId);
    const album = albumAnswer.value;
    if (splitNamespacedId(album.id).provider !== 'musicbrainz') {
      return Answers.map(albumAnswer, () => ({ albumId: album.id, images: album.images }));
    }
    const answer = await this.readThrough.read<AlbumCoverArt>({
      key: coverArtKey(album.id),
      ttlSeconds: catalogTtls(this.settings).coverArt,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.answers.findCoverArt<AlbumCoverArt>(album.id),
      fetch: () => this.fromArchive(album),
      save: (art, expiresAt) => this.answers.saveCoverArt(album.id, art.releaseId, art, expiresAt),
    });
    return Answers.combine(answer.value, [albumAnswer, answer]);
  }

  /** Admin purge: the album's cover art (or remembered "no cover") from PostgreSQL and every cache. */
  async forget(albumId: string): Promise<void> {
    // The row first: a read between the two steps would otherwise put it back in the cache.
    await this.readThrough.database(() => this.answers.deleteCoverArt(albumId));
    await this.readThrough.forget(coverArtKey(albumId));
  }

  /**
   * The front cover in the asked size, opened from the cover store (downloaded into it first when not kept), so
   * clients need not reach the image hosts. The caller sends or closes the file.
   */
  async getCoverImage(rawId: string, size: CoverSize, type: CoverType = 'album'): Promise<Answer<ServedCover>> {
    const answer =
      type === 'artist'
        ? Answers.map(await this.lookups.getArtist(rawId), (a) => ({ albumId: a.id, images: a.images }))
        : await this.getCoverArt(rawId);
    const art = answer.value;
    const image = art.images.find((i) => i.front) ?? art.images[0];
    if (!image) {
      throw DomainError.notFound(`No ${type === 'artist' ? 'picture' : 'cover art'} for ${art.albumId}`);
    }
    const thumbnail = size === 'original' ? undefined : image.thumbnails.find((t) => String(t.width) === size);
    const url = thumbnail?.url ?? image.url;
    const file = await this.fetcher.fetch(url);
    return Answers.map(answer, (): ServedCover => ({ ...file, source: new URL(url).hostname }));
  }

  private async fromArchive(album: AlbumView): Promise<AlbumCoverArt> {
    const albumId = album.id;
    const group = await this.archive.albumImages(splitNamespacedId(albumId).nativeId);
    if (group.images.some((i) => i.front)) {
      return { albumId, releaseId: group.releaseId, images: group.images };
    }
    const release = representativeRelease(album.releases);
    if (!release) {
      return { albumId, images: group.images };
    }
    const fromRelease = await this.archive.releaseImages(splitNamespacedId(release.id).nativeId);
    return {
      albumId,
      releaseId: release.id,
      images: fromRelease.images.length > 0 ? fromRelease.images : group.images,
    };
  }
}

function coverArtKey(albumId: string): string {
  return `cover-art:${albumId}`;
}
