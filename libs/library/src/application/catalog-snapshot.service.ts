import { Injectable } from '@nestjs/common';
import { formatCatalogId, LookupService, parseCatalogId } from '@app/catalog';
import type { FavoriteType } from '../domain/library.views';
import { artistLine, creditedArtists, type Snapshot } from '../domain/track-snapshot';

/**
 * The library's one door to the catalog: an id goes through the catalog's read path (database first, then the
 * provider), so a favorite or a playlist entry always names something Chorus knows. The catalog's own errors
 * pass through: a malformed id is INVALID_ARGUMENT (field `id`), an unknown one NOT_FOUND.
 */
@Injectable()
export class CatalogSnapshotService {
  constructor(private readonly lookups: LookupService) {}

  /** `field` names the request field in a malformed-id error (e.g. `trackIds[2]`). */
  async track(id: string, field = 'id'): Promise<Snapshot> {
    const { value } = await this.lookups.getTrack(formatCatalogId(parseCatalogId(id, 'track', field)));
    return {
      id: value.id,
      title: value.title,
      artistLine: artistLine(value.artistCredit),
      durationMs: value.durationMs,
      artists: creditedArtists(value.artistCredit),
    };
  }

  async of(type: FavoriteType, id: string): Promise<Snapshot> {
    switch (type) {
      case 'track':
        return this.track(id);
      case 'album': {
        const { value } = await this.lookups.getAlbum(id);
        const credits = value.artistCredit;
        return { id: value.id, title: value.title, artistLine: artistLine(credits), artists: creditedArtists(credits) };
      }
      case 'artist': {
        const { value } = await this.lookups.getArtist(id);
        return { id: value.id, title: value.name, artistLine: '', artists: [{ id: value.id, name: value.name }] };
      }
    }
  }
}
