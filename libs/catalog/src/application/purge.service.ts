import { Injectable } from '@nestjs/common';
import { HttpCache } from '@app/core';
import { formatCatalogId, parseCatalogId, type EntityKind } from '../domain/catalog-id';
import { EntityRepository } from '../persistence/entity.repository';
import { ReadThrough } from './read-through.service';
import { SearchService } from './search.service';
import { EntityExtrasService } from './entity-extras.service';
import { ENTITY_PLATFORMS } from '../domain/identity';

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
  ) {}

  async purgeEntity(rawId: string, kind: EntityKind): Promise<number> {
    const publicId = formatCatalogId(parseCatalogId(rawId, kind));
    await this.readThrough.forget(`${kind}:${publicId}`);
    await this.extras.forget(kind, publicId);
    // Its links answers: per platform, as artist and album links and as track links key them.
    for (const platform of ENTITY_PLATFORMS) {
      await this.readThrough.forget(`links:${kind}:${publicId}:${platform}`);
      await this.readThrough.forget(`links:${publicId}:${platform}`);
    }
    const removed = await this.entities.deleteByPublicId(kind, publicId);
    this.httpCache.clear();
    return removed;
  }

  async purgeSearch(q: string, type: string): Promise<number> {
    const removed = await this.search.purge(q, type);
    this.httpCache.clear();
    return removed;
  }
}
