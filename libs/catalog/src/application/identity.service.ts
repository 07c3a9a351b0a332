import { Injectable, Logger } from '@nestjs/common';
import { Answers, CacheService, type Answer } from '@app/core';
import type { ExternalIds, ExternalReference, ExternalUrl } from '@app/providers';
import { splitNamespacedId } from '../domain/catalog-id';
import { sourceReference, urlRelReferences, withReferences, type LinkedKind } from '../domain/identity';
import { CrossRefRepository, type KeptReference } from '../persistence/cross-ref.repository';

interface Identified {
  id: string;
  urls: ExternalUrl[];
  externalIds: ExternalIds;
}

/** How long one entity's kept references stay in the cache; links written meanwhile drop the entry. */
const CLUSTER_CACHE_MS = 60_000;

/** The entity a reference points back at, when another entity (its owner) holds it. */
function ownerReference(kept: KeptReference): ExternalReference {
  const { reference, owner } = kept;
  return { ...reference, platform: splitNamespacedId(owner).provider, id: owner, url: undefined };
}

/**
 * One identity across platforms: an answer's externalIds carry every platform id the catalog keeps for the
 * entity's cluster (its own references and those of entities that link to it), with how each was found.
 */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);

  constructor(
    private readonly crossRefs: CrossRefRepository,
    private readonly cache: CacheService,
  ) {}

  async identify<T extends Identified>(kind: LinkedKind, answer: Answer<T>): Promise<Answer<T>> {
    const entity = answer.value;
    const references = await this.references(kind, entity);
    return Answers.map(answer, (value) => ({
      ...value,
      externalIds: withReferences(value.externalIds, value.id, references),
    }));
  }

  /** The entity's own reference, its URL relations, and every kept reference of its cluster. */
  async references(kind: LinkedKind, entity: Identified): Promise<ExternalReference[]> {
    const kept = await this.cluster(kind, entity.id);
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

  /** Drops the cached clusters of these ids (after a link between them was written). */
  async forget(kind: LinkedKind, ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.cache.delete(this.key(kind, id))));
  }

  /**
   * Kept references, from the cache when there: a warm lookup stays off PostgreSQL. With PostgreSQL away the
   * answer goes out with what the entity itself says (its own id and URL relations), never failing for this.
   */
  private async cluster(kind: LinkedKind, id: string): Promise<KeptReference[]> {
    const key = this.key(kind, id);
    const cached = await this.cache.get<KeptReference[]>(key);
    if (cached) {
      return cached.value;
    }
    try {
      const kept = await this.crossRefs.cluster(kind, id);
      await this.cache.set(key, kept, CLUSTER_CACHE_MS);
      return kept;
    } catch (error) {
      this.logger.warn({ msg: 'cross-references unavailable', id, error: (error as Error).message });
      return [];
    }
  }

  private key(kind: LinkedKind, id: string): string {
    return `identity:${kind}:${id}`;
  }
}
