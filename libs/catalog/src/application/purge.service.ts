import { Injectable } from '@nestjs/common';
import { formatCatalogId, parseCatalogId, type EntityKind } from '../domain/catalog-id';
import { EntityRepository } from '../persistence/entity.repository';
import { ReadThrough } from './read-through.service';
import { SearchService } from './search.service';

/** Admin: forget one entity or one search everywhere, so the next question asks the provider again. */
@Injectable()
export class PurgeService {
  constructor(
    private readonly entities: EntityRepository,
    private readonly readThrough: ReadThrough,
    private readonly search: SearchService,
  ) {}

  async purgeEntity(rawId: string, kind: EntityKind): Promise<number> {
    const publicId = formatCatalogId(parseCatalogId(rawId, kind));
    await this.readThrough.forget(`${kind}:${publicId}`);
    return this.entities.deleteByPublicId(kind, publicId);
  }

  purgeSearch(q: string, type: string): Promise<number> {
    return this.search.purge(q, type);
  }
}
