import { Inject, Injectable } from '@nestjs/common';
import type { ExternalReference } from '@app/providers';
import { Answers, DomainError, ErrorCode, rateLimitedAmong, type Answer, type SourceFailure } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { splitNamespacedId } from '../domain/catalog-id';
import { ENTITY_PLATFORMS, sourceReference, urlRelReferences } from '../domain/identity';
import { CrossRefRepository, type CrossRefAnswer } from '../persistence/cross-ref.repository';
import { EntityMatchService, type LinkableEntity } from './entity-match.service';
import { IdentityService } from './identity.service';
import { LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';
import { ReadThrough } from './read-through.service';

/** chorus.v1.PlatformLink as artist and album links carry it. */
export interface EntityLink {
  platform: string;
  id: string;
  url?: string;
  matchedBy: string;
  confidence: number;
  evidence: string[];
}

export interface ArtistLinks {
  artistId: string;
  links: EntityLink[];
}

export interface AlbumLinks {
  albumId: string;
  barcodes: string[];
  links: EntityLink[];
}

function toLink(ref: ExternalReference): EntityLink {
  return {
    platform: ref.platform,
    id: ref.id,
    url: ref.url,
    matchedBy: ref.matchedBy,
    confidence: ref.confidence,
    evidence: ref.evidence,
  };
}

function failureOf(platform: string, error: unknown): SourceFailure | undefined {
  if (error instanceof DomainError) {
    return error.code === ErrorCode.NOT_FOUND
      ? undefined
      : { source: platform, code: error.code, reason: error.message };
  }
  return { source: platform, code: ErrorCode.INTERNAL, reason: 'unexpected error' };
}

/**
 * An artist or album on the other platforms, as tracks have it (LinksService): each platform asked on its own
 * and its answer kept; one that does not know the entity is absent, one that is down is named in `failures` and
 * makes the answer PARTIAL (never kept). Discogs and Wikidata come from URL relations only.
 */
@Injectable()
export class EntityLinksService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly crossRefs: CrossRefRepository,
    private readonly matcher: EntityMatchService,
    private readonly identity: IdentityService,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async getArtistLinks(rawId: string): Promise<Answer<ArtistLinks>> {
    const answer = await this.lookups.getArtist(rawId);
    const links = await this.linksOf({ kind: 'artist', entity: answer.value });
    return Answers.combine({ artistId: answer.value.id, links: links.value }, [answer, links]);
  }

  async getAlbumLinks(rawId: string): Promise<Answer<AlbumLinks>> {
    const answer = await this.lookups.getAlbum(rawId);
    const album = answer.value;
    const codes = [album.externalIds.barcode, ...album.releases.map((r) => r.barcode)].filter((c): c is string => !!c);
    const links = await this.linksOf({ kind: 'album', entity: album });
    return Answers.combine({ albumId: album.id, barcodes: [...new Set(codes)], links: links.value }, [answer, links]);
  }

  private async linksOf(target: LinkableEntity): Promise<Answer<EntityLink[]>> {
    const { kind, entity } = target;
    const own = splitNamespacedId(entity.id).provider;
    const platforms = ENTITY_PLATFORMS.filter((p) => p !== own && this.providers.isEnabled(p));
    const settled = await Promise.allSettled(platforms.map((platform) => this.linkOn(target, platform)));
    const limited = rateLimitedAmong(settled);
    if (limited) {
      throw limited;
    }
    const offPlatform = urlRelReferences(kind, entity.id, entity.urls).filter(
      (r) => !(ENTITY_PLATFORMS as readonly string[]).includes(r.platform),
    );
    const links = [toLink(sourceReference(kind, entity.id, entity.urls))];
    const answered: Answer<CrossRefAnswer>[] = [];
    const failures: SourceFailure[] = [];
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        answered.push(outcome.value);
        links.push(...(outcome.value.value.reference ? [toLink(outcome.value.value.reference)] : []));
      } else {
        failures.push(...[failureOf(platforms[index], outcome.reason)].filter((f) => f !== undefined));
      }
    });
    return Answers.combine([...links, ...offPlatform.map(toLink)], answered, failures);
  }

  private linkOn(target: LinkableEntity, platform: (typeof ENTITY_PLATFORMS)[number]) {
    const { kind, entity } = target;
    return this.readThrough.read<CrossRefAnswer>({
      key: `links:${kind}:${entity.id}:${platform}`,
      ttlSeconds: catalogTtls(this.settings).links,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.crossRefs.find(kind, entity.id, platform),
      fetch: () => this.matcher.match(target, platform),
      save: async (answer, expiresAt) => {
        await this.crossRefs.save(kind, entity.id, platform, answer, expiresAt);
        await this.identity.forget(kind, [entity.id, ...(answer.reference ? [answer.reference.id] : [])]);
      },
    });
  }
}
