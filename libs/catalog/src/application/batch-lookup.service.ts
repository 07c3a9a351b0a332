import { Injectable, Logger } from '@nestjs/common';
import { Answers, Clock, DomainError, ErrorCode, type Answer } from '@app/core';
import { MUSICBRAINZ_SEARCH_PAGE } from '@app/providers';
import { formatCatalogId, parseCatalogId, type CatalogId } from '../domain/catalog-id';
import { EntityRepository } from '../persistence/entity.repository';
import type { Writable } from '../persistence/lookup-tables';
import { expiryFrom } from '../persistence/stored';
import { entityKey, LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';
import { ReadThrough, type ReadSpec } from './read-through.service';

export type BatchKind = 'artist' | 'album' | 'track';

/** How one id of a batch was answered: its answer (`summary` when it came from a search), or its error. */
export type BatchOutcome =
  { id: string; answer: Answer<unknown>; summary: boolean } | { id: string; error: DomainError };

type Resolution = { answer: Answer<unknown>; summary: boolean } | { error: DomainError };

interface Wanted {
  key: string;
  id: CatalogId;
}

/** An id as asked: the entity it names, or why it names none. */
type Parsed = Wanted | { error: DomainError };

/** Each entity's outcome under its canonical id: for an id asked in that form, the outcome itself. */
class Resolutions {
  private readonly byKey = new Map<string, BatchOutcome>();

  answer(key: string, answer: Answer<unknown>, summary: boolean): void {
    this.byKey.set(key, { id: key, answer, summary });
  }

  fail(key: string, error: DomainError): void {
    this.byKey.set(key, { id: key, error });
  }

  settle(key: string, resolution: Resolution): void {
    if ('error' in resolution) {
      this.fail(key, resolution.error);
    } else {
      this.answer(key, resolution.answer, resolution.summary);
    }
  }

  get(key: string): BatchOutcome {
    return this.byKey.get(key) as BatchOutcome;
  }
}

/** `formatCatalogId(id)`, as the very string asked when that was already its canonical form (no new string). */
function canonicalOf(raw: string, id: CatalogId): string {
  const { provider, nativeId } = id;
  const canonical =
    raw.length === provider.length + 1 + nativeId.length &&
    raw.startsWith(provider) &&
    raw.charCodeAt(provider.length) === 0x3a &&
    raw.endsWith(nativeId);
  return canonical ? raw : formatCatalogId(id);
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_v, i) => list.slice(i * size, (i + 1) * size));
}

/**
 * Many lookups by id in one request. Every id first goes the single lookup's way through the cache and the
 * catalog, so a warm id never reaches a provider. The cold MusicBrainz ids are then asked for together, up to
 * a search page per call (MusicBrainz has no multi-id lookup); a hit is answered and kept as a *partial* row,
 * because a search carries less than a lookup (no genres, no URL relations, no album track list): single lookups
 * still fetch the full entity, and batch lookups answer the partial row again (marked `summary`) while it is
 * fresh. Other providers have no batch endpoint: their cold ids are single lookups, paced by the provider limiter.
 */
@Injectable()
export class BatchLookupService {
  private readonly logger = new Logger(BatchLookupService.name);

  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly entities: EntityRepository,
    private readonly providers: ProviderGateway,
    private readonly clock: Clock,
  ) {}

  /** One outcome per distinct id, in request order; ids naming the same entity share one resolution. */
  async get(kind: BatchKind, ids: readonly string[]): Promise<BatchOutcome[]> {
    // One pass, no per-id search of the list: a 100-id batch would otherwise compare ~5 000 strings.
    const asked = new Map<string, Parsed>();
    const wanted: Wanted[] = [];
    const keys = new Set<string>();
    for (let index = 0; index < ids.length; index += 1) {
      const raw = ids[index];
      if (asked.has(raw)) {
        continue;
      }
      const entry = this.parse(kind, raw, index);
      asked.set(raw, entry);
      if ('id' in entry && !keys.has(entry.key)) {
        keys.add(entry.key);
        wanted.push(entry);
      }
    }
    const resolved = await this.resolveAll(kind, wanted);
    const outcomes: BatchOutcome[] = [];
    for (const [raw, entry] of asked) {
      if ('error' in entry) {
        outcomes.push({ id: raw, error: entry.error });
        continue;
      }
      const outcome = resolved.get(entry.key);
      // A resolution carries the canonical id: it is the outcome itself when the id was asked in that form.
      outcomes.push(
        outcome.id === raw
          ? outcome
          : 'error' in outcome
            ? { id: raw, error: outcome.error }
            : { id: raw, answer: outcome.answer, summary: outcome.summary },
      );
    }
    return outcomes;
  }

  private parse(kind: BatchKind, raw: string, index: number): Parsed {
    try {
      const id = parseCatalogId(raw, kind, `ids[${index}]`);
      return { key: canonicalOf(raw, id), id };
    } catch (error) {
      return { error: this.asDomainError(error) };
    }
  }

  private async resolveAll(kind: BatchKind, wanted: Wanted[]): Promise<Resolutions> {
    const resolved = new Resolutions();
    // Warm ids, the usual case, cost one multi-get for the whole batch; the rest are asked one by one below.
    const cached = await this.readThrough
      .peekCachedMany(wanted.map((w) => entityKey(kind, w.key)))
      .catch(() => wanted.map(() => undefined));
    const unknown = wanted.filter((w, i) => {
      const hit = cached[i];
      if (hit !== undefined) {
        if (hit instanceof DomainError) {
          resolved.fail(w.key, hit);
        } else {
          resolved.answer(w.key, hit, false);
        }
      }
      return hit === undefined;
    });
    if (unknown.length === 0) {
      // All warm: no catalog or provider step, not even an empty one to await.
      return resolved;
    }
    const known = await Promise.all(unknown.map((w) => this.known(kind, w.id)));
    const cold = unknown.filter((w, i) => {
      const found = known[i];
      if (found) {
        resolved.settle(w.key, found);
      }
      return !found;
    });
    const coldMusicBrainz = cold.filter((w) => w.id.provider === 'musicbrainz');
    const coldOther = cold.filter((w) => w.id.provider !== 'musicbrainz');
    await Promise.all([
      ...chunks(coldMusicBrainz, MUSICBRAINZ_SEARCH_PAGE).map((chunk) => this.searchTogether(kind, chunk, resolved)),
      ...coldOther.map(async (w) => resolved.settle(w.key, await this.single(kind, w.id))),
    ]);
    return resolved;
  }

  /** Not in the cache: the full row, else (MusicBrainz) a fresh partial one kept by an earlier batch; undefined when cold. */
  private async known(kind: BatchKind, id: CatalogId): Promise<Resolution | undefined> {
    try {
      const full = await this.readThrough.peek(this.fullSpec(kind, id), { cacheAsked: true });
      if (full) {
        return { answer: full, summary: false };
      }
      if (id.provider !== 'musicbrainz') {
        return undefined;
      }
      const partial = await this.readThrough.peek(this.partialSpec(kind, id), { staleAsCold: true });
      return partial ? { answer: partial, summary: true } : undefined;
    } catch (error) {
      return { error: this.asDomainError(error) };
    }
  }

  private async single(kind: BatchKind, id: CatalogId): Promise<Resolution> {
    try {
      return { answer: await this.readThrough.read(this.fullSpec(kind, id)), summary: false };
    } catch (error) {
      return { error: this.asDomainError(error) };
    }
  }

  /**
   * One search call for up to a page of cold MBIDs. Ids the search does not return go the single lookup's way:
   * the search index trails MusicBrainz's database, so absence there proves nothing.
   */
  private async searchTogether(kind: BatchKind, chunk: Wanted[], resolved: Resolutions): Promise<void> {
    let hits: Map<string, Writable>;
    try {
      const found = await this.searchByIds(
        kind,
        chunk.map((w) => w.id.nativeId),
      );
      hits = new Map(found.map((hit) => [hit.id, hit]));
    } catch (error) {
      const failure = { error: this.asDomainError(error) };
      chunk.forEach((w) => resolved.settle(w.key, failure));
      return;
    }
    const found = chunk.filter((w) => hits.has(w.key));
    const values = found.map((w) => hits.get(w.key) as Writable);
    const expiresAt = expiryFrom(this.lookups.ttls().ttlSeconds, this.clock.nowMs());
    try {
      await this.readThrough.database(() => this.entities.savePartials(kind, values, expiresAt));
      found.forEach((w, i) => {
        this.readThrough.keep(this.partialSpec(kind, w.id).key, values[i], expiresAt.getTime());
        resolved.answer(w.key, Answers.of(values[i], 'MISS', expiresAt.getTime()), true);
      });
    } catch (error) {
      const failure = { error: this.asDomainError(error) };
      found.forEach((w) => resolved.settle(w.key, failure));
    }
    const unlisted = chunk.filter((w) => !hits.has(w.key));
    await Promise.all(unlisted.map(async (w) => resolved.settle(w.key, await this.single(kind, w.id))));
  }

  private async searchByIds(kind: BatchKind, mbids: string[]): Promise<Writable[]> {
    switch (kind) {
      case 'artist':
        return this.providers.musicbrainz.artistsByIds(mbids);
      case 'track':
        return this.providers.musicbrainz.tracksByIds(mbids);
      case 'album':
        // A release group hit has no track list; the album's shape keeps the field, empty.
        return (await this.providers.musicbrainz.albumsByIds(mbids)).map((album) => ({ ...album, tracks: [] }));
    }
  }

  private fullSpec(kind: BatchKind, id: CatalogId): ReadSpec<unknown> {
    switch (kind) {
      case 'artist':
        return this.lookups.artistSpec(id);
      case 'album':
        return this.lookups.albumSpec(id);
      case 'track':
        return this.lookups.trackSpec(id);
    }
  }

  /** A partial row is only ever peeked (stale counts as cold), never fetched through the read path. */
  private partialSpec(kind: BatchKind, id: CatalogId): ReadSpec<unknown> {
    const publicId = formatCatalogId(id);
    return {
      ...this.lookups.ttls(),
      key: `partial:${kind}:${publicId}`,
      load: () => this.entities.findPartial(kind, publicId),
      loadSeesMisses: true,
      fetch: () => Promise.reject(new DomainError(ErrorCode.INTERNAL, 'a partial row is not fetched')),
      save: () => Promise.resolve(),
    };
  }

  private asDomainError(error: unknown): DomainError {
    if (error instanceof DomainError) {
      return error;
    }
    this.logger.error({ msg: 'batch lookup failed', error: (error as Error).message });
    return new DomainError(ErrorCode.INTERNAL, 'Internal error', { cause: error });
  }
}
