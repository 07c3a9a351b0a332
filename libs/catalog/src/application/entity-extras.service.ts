import { Injectable } from '@nestjs/common';
import { Answers, DomainError, ErrorCode, type Answer, type SourceFailure } from '@app/core';
import type { Artist, EntityExtras, ExternalIds, ExtraPart, Release, Track } from '@app/providers';
import type { EntityKind } from '../domain/catalog-id';
import { fetchedParts, parseIncludes, partCombinations, type Include } from '../domain/include';
import type { AlbumView } from '../persistence/entity.repository';
import { ExtrasRepository } from '../persistence/extras.repository';
import { LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';
import { ReadThrough } from './read-through.service';

/** A lookup's answer and what it was asked to include (none: the answer is the plain lookup's, unchanged). */
export interface IncludedAnswer<T> {
  answer: Answer<T & EntityExtras>;
  includes: Include[];
}

interface Based {
  id: string;
  externalIds: ExternalIds;
}

/** What failing to fetch the extras means: the provider could not be asked, so the answer is PARTIAL. */
const UPSTREAM_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.RATE_LIMITED,
]);

function emptyExtras(parts: readonly ExtraPart[]): EntityExtras {
  const extras: EntityExtras = {};
  for (const part of parts) {
    if (part === 'relations') {
      extras.relations = { members: [], memberOf: [], collaborations: [], other: [] };
    } else {
      extras[part] = [];
    }
  }
  return extras;
}

/**
 * Lookups with `include=`: the entity through its usual read path, then its extra parts (aliases, relations,
 * credits…) through the same read path under their own key, kept in catalog_extras so a second question asks no
 * provider. The include list is checked before anything is read or stored. When MusicBrainz cannot be asked for
 * the extras, the kept entity is still answered, PARTIAL, naming what could not be fetched.
 */
@Injectable()
export class EntityExtrasService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly extras: ExtrasRepository,
    private readonly providers: ProviderGateway,
  ) {}

  getArtist(id: string, include?: string[]): Promise<IncludedAnswer<Artist>> {
    return this.lookup('artist', include, () => this.lookups.getArtist(id));
  }

  getAlbum(id: string, include?: string[]): Promise<IncludedAnswer<AlbumView>> {
    return this.lookup('album', include, () => this.lookups.getAlbum(id));
  }

  getRelease(id: string, include?: string[]): Promise<IncludedAnswer<Release>> {
    return this.lookup('release', include, () => this.lookups.getRelease(id));
  }

  getTrack(id: string, include?: string[]): Promise<IncludedAnswer<Track>> {
    return this.lookup('track', include, () => this.lookups.getTrack(id));
  }

  /** Admin purge: the entity's extras, kept and cached under every combination of parts. */
  async forget(kind: EntityKind, publicId: string): Promise<void> {
    for (const parts of partCombinations(kind)) {
      await this.readThrough.forget(extrasKey(kind, publicId, parts));
    }
    await this.readThrough.database(() => this.extras.delete(kind, publicId));
  }

  private async lookup<T extends Based>(
    kind: EntityKind,
    include: string[] | undefined,
    base: () => Promise<Answer<T>>,
  ): Promise<IncludedAnswer<T>> {
    const includes = parseIncludes(kind, include);
    const answer = await base();
    if (includes.length === 0) {
      return { answer, includes };
    }
    const parts = fetchedParts(kind, includes);
    const extras = await this.readExtras(kind, answer.value, parts);
    if ('failure' in extras) {
      return { answer: Answers.combine(answer.value, [answer], [extras.failure]), includes };
    }
    const value = { ...answer.value, ...extras.answer.value };
    return { answer: Answers.combine(value, [answer, extras.answer]), includes };
  }

  private async readExtras(
    kind: EntityKind,
    entity: Based,
    parts: ExtraPart[],
  ): Promise<{ answer: Answer<EntityExtras> } | { failure: SourceFailure }> {
    const mbid = entity.externalIds.musicbrainz;
    if (!mbid || parts.length === 0) {
      // Nothing to ask: the entity's provider has no such data, or the base answer already carries it.
      return { answer: Answers.of(emptyExtras(parts), 'HIT', Number.MAX_SAFE_INTEGER) };
    }
    const publicId = `musicbrainz:${mbid}`;
    try {
      const answer = await this.readThrough.read<EntityExtras>({
        ...this.lookups.ttls(),
        key: extrasKey(kind, publicId, parts),
        load: () => this.extras.find(kind, publicId, parts),
        fetch: () => this.providers.musicbrainz.getExtras(kind, mbid, parts),
        save: (value, expiresAt) => this.extras.save(kind, publicId, value, expiresAt),
      });
      return { answer };
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
        return { answer: Answers.of(emptyExtras(parts), 'HIT', Number.MAX_SAFE_INTEGER) };
      }
      if (error instanceof DomainError && UPSTREAM_CODES.has(error.code)) {
        const reason = `${parts.join(', ')} could not be fetched: ${error.message}`;
        return { failure: { source: 'musicbrainz', reason, code: error.code } };
      }
      throw error;
    }
  }
}

function extrasKey(kind: EntityKind, publicId: string, parts: readonly ExtraPart[]): string {
  return `extras:${kind}:${publicId}:${parts.join('+')}`;
}
