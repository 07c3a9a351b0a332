import { Injectable } from '@nestjs/common';
import type { Caller } from '@app/core';
import { formatCatalogId, parseCatalogId } from '@app/catalog';
import type { FavoritePageView, FavoriteType, FavoriteView } from '../domain/library.views';
import { FavoriteRepository } from '../persistence/favorite.repository';
import { CatalogSnapshotService } from './catalog-snapshot.service';

export const DEFAULT_PAGE = 25;

/** A user's favorite tracks, albums and artists. */
@Injectable()
export class FavoritesService {
  constructor(
    private readonly favorites: FavoriteRepository,
    private readonly catalog: CatalogSnapshotService,
  ) {}

  /** The id goes through the catalog first: an id Chorus has not seen is fetched, an unknown one is NOT_FOUND. */
  async add(caller: Caller, type: FavoriteType, id: string): Promise<FavoriteView> {
    const snapshot = await this.catalog.of(type, id);
    return this.favorites.add(caller.id, { type, ...snapshot });
  }

  /** Idempotent like add: removing what is not there is not an error (the outcome is the same). */
  async remove(caller: Caller, type: FavoriteType, id: string): Promise<void> {
    await this.favorites.remove(caller.id, type, this.normalized(type, id));
  }

  list(caller: Caller, type: FavoriteType | undefined, limit?: number, offset?: number): Promise<FavoritePageView> {
    return this.favorites.list(caller.id, type ?? null, limit || DEFAULT_PAGE, offset ?? 0);
  }

  /** The stored form of an id (`musicbrainz:<lowercase mbid>` for a bare MBID), so removal needs no catalog call. */
  private normalized(type: FavoriteType, id: string): string {
    return formatCatalogId(parseCatalogId(id, type));
  }
}
