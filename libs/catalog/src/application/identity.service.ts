import { Injectable, Logger } from '@nestjs/common';
import { CacheService } from '@app/core';
import type { ExternalIds, ExternalReference, ExternalUrl } from '@app/providers';
import { entityKey, splitNamespacedId } from '../domain/catalog-id';
import { sourceReference, urlRelReferences, withReferences, type LinkedKind } from '../domain/identity';
import { CrossRefRepository, type KeptReference } from '../persistence/cross-ref.repository';

export interface Identified {
  id: string;
  urls: ExternalUrl[];
  externalIds: ExternalIds;
}

/** The entity a reference points back at, when another entity (its owner) holds it. */
function ownerReference(kept: KeptReference): ExternalReference {
  const { reference, owner } = kept;
  return { ...reference, platform: splitNamespacedId(owner).provider, id: owner, url: undefined };
}

/**
 * One identity across platforms: an answer's externalIds carry every platform id the catalog keeps for the
 * entity's cluster (its own references and those of entities that link to it), with how each was found. A
 * stored entity is read with its references in one query and cached with them; writing a link drops the cached
 * answers of both ends, so the next read sees it.
 */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);

  constructor(
    private readonly crossRefs: CrossRefRepository,
    private readonly cache: CacheService,
  ) {}

  /** The entity with the kept references of its cluster merged into its externalIds. */
  enrich<T extends Identified>(kind: LinkedKind, value: T, kept: readonly KeptReference[]): T {
    return { ...value, externalIds: withReferences(value.externalIds, value.id, this.references(kind, value, kept)) };
  }

  /**
   * The kept references of an entity's cluster (one query). With PostgreSQL away: none, never failing for this,
   * so a read started before a provider call that then fails is never left rejected.
   */
  async clusterOf(kind: LinkedKind, publicId: string): Promise<KeptReference[]> {
    try {
      return await this.crossRefs.cluster(kind, publicId);
    } catch (error) {
      this.logger.warn({ msg: 'cross-references unavailable', id: publicId, error: (error as Error).message });
      return [];
    }
  }

  /**
   * A just-fetched entity with its cluster's references: `kept` when the caller read them for this id while the
   * provider answered, else read now. With PostgreSQL away it goes out with what it says itself (its own id and
   * URL relations).
   */
  async identifyFetched<T extends Identified>(
    kind: LinkedKind,
    value: T,
    kept: Promise<KeptReference[]> = this.clusterOf(kind, value.id),
  ): Promise<T> {
    return this.enrich(kind, value, await kept);
  }

  /** Drops the cached answers of these entities (after a link between them was written). */
  async forget(kind: LinkedKind, ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.cache.delete(entityKey(kind, id))));
  }

  /** The entity's own reference, its URL relations, and every kept reference of its cluster. */
  private references(kind: LinkedKind, entity: Identified, kept: readonly KeptReference[]): ExternalReference[] {
    const others = kept.flatMap((k) => {
      if (k.owner === entity.id) {
        return [k.reference];
      }
      // An entity linking here: itself is a reference, and so is what it knows, except this entity again.
      return k.reference.id === entity.id ? [ownerReference(k)] : [k.reference];
    });
    return [
      sourceReference(kind, entity.id, entity.urls),
      ...urlRelReferences(kind, entity.id, entity.urls),
      ...others.filter((r) => r.id !== entity.id),
    ];
  }
}
