import { Injectable } from '@nestjs/common';
import { HttpClient } from '../../upstream/http.client';
import type { CoverArt } from '../../domain/music.model';
import { mbid } from '../adapter.helpers';
import { mapCoverArt } from './coverartarchive.mapper';

/**
 * Cover Art Archive: the images of a release or of a release group (front, back, booklet…, each with its
 * thumbnails). A release without art is answered with 404 by the archive: that is an empty answer here.
 */
@Injectable()
export class CoverArtArchiveAdapter {
  constructor(private readonly http: HttpClient) {}

  async releaseImages(releaseId: string): Promise<CoverArt> {
    return await this.images(`/release/${mbid(releaseId, 'releaseId')}`);
  }

  async albumImages(albumId: string): Promise<CoverArt> {
    return await this.images(`/release-group/${mbid(albumId, 'albumId')}`);
  }

  private images(path: string): Promise<CoverArt> {
    return this.http.request('coverartarchive', {
      path,
      acceptStatuses: [404],
      parse: (json, status) => (status === 404 ? { images: [] } : mapCoverArt(json)),
    });
  }
}
