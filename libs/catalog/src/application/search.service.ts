import { Inject, Injectable } from '@nestjs/common';
import type { ExternalUrl } from '@app/providers';
import { Answers, DomainError, ErrorCode, rateLimitedAmong, type Answer, type SourceFailure } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import type { SourceProvider } from '../domain/catalog-id';
import { ProviderGateway, type SearchType } from './provider.gateway';
import { SearchRepository } from '../persistence/search.repository';
import { EntityRepository } from '../persistence/entity.repository';
import { platformIdsFromUrls } from '../domain/artist-evidence';
import { ReadThrough } from './read-through.service';
import { normalizeText } from '../domain/search-merge';
import { MATCH_DURATION_TOLERANCE_MS } from '../domain/track-match';
import {
  emptySearchList,
  extendSearchList,
  coversDepth,
  MAX_SEARCH_OFFSET,
  nextWindows,
  searchDepth,
  sliceSearchList,
  type SearchList,
  type SearchSlice,
  type WindowResult,
} from '../domain/search-paging';

export interface SearchQuery {
  q: string;
  type: SearchType;
  limit: number;
  offset: number;
  providers?: string;
}

export type SearchResult = SearchSlice & { limit: number; offset: number };

/** A list read while a provider was down: answered, never kept, so the next question asks that provider again. */
type ReadList = SearchList & { failures?: SourceFailure[] };

const SEARCHABLE: readonly SourceProvider[] = ['musicbrainz', 'deezer', 'itunes', 'spotify'];

/** Reading deeper asks every provider once per round; a page at MAX_SEARCH_OFFSET takes at most this many. */
const MAX_ROUNDS = 12;

/** Lucene's special characters, escaped so a user's words are searched as words. */
export function escapeLucene(text: string): string {
  return text.replace(/([+\-!(){}[\]^"~*?:\\/]|&&|\|\|)/g, '\\$1');
}

export function normalizeQuery(q: string): string {
  return q.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Search across providers as one ranked list a user can page through: the merged list of a question is kept
 * whole (search-paging.ts), each page is a slice of it, and reading deeper only appends.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly readThrough: ReadThrough,
    private readonly searches: SearchRepository,
    private readonly entities: EntityRepository,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async search(query: SearchQuery): Promise<Answer<SearchResult>> {
    const q = normalizeQuery(query.q);
    if (normalizeText(q) === '') {
      throw DomainError.invalid('q', 'must contain letters or digits');
    }
    if (query.offset > MAX_SEARCH_OFFSET) {
      throw DomainError.invalid('offset', `must not be greater than ${MAX_SEARCH_OFFSET}`);
    }
    const providers = this.providersFor(query.providers);
    const key = `search:${query.type}:${providers.join(',')}:${q}`;
    const depth = searchDepth(query.offset, query.limit);
    const stored = await this.readThrough.read<ReadList>({
      key,
      ttlSeconds: catalogTtls(this.settings).search,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.searches.find<ReadList>(key),
      fetch: () => this.read(emptySearchList(providers), query.type, q, depth),
      keep: (list) => !list.failures?.length,
      save: (list, expiresAt) => this.searches.save(key, this.scope(query.type, q, providers), list, expiresAt),
    });
    let answer: Answer<ReadList> = stored;
    if (!coversDepth(stored.value, depth)) {
      answer = await this.readDeeper(key, stored, query.type, q, depth, providers);
    }
    const value = {
      ...sliceSearchList(answer.value, query.offset, query.limit),
      limit: query.limit,
      offset: query.offset,
    };
    const failures = answer.value.failures ?? [];
    return failures.length > 0
      ? Answers.partial(value, answer.freshness, failures)
      : Answers.of(value, answer.freshness, answer.freshUntil);
  }

  /** Admin purge: a search's kept lists (every provider set), from every layer. */
  async purge(q: string, type: string): Promise<number> {
    const keys = await this.searches.deleteQuery(type, normalizeQuery(q));
    for (const key of keys) {
      await this.readThrough.forget(key);
    }
    return keys.length;
  }

  /**
   * A page past the kept list: the providers are asked for their next windows and the list is kept longer,
   * with the expiry it had, so every page of one question comes from one list.
   */
  private async readDeeper(
    key: string,
    stored: Answer<ReadList>,
    type: SearchType,
    q: string,
    depth: number,
    providers: SourceProvider[],
  ): Promise<Answer<ReadList>> {
    const list = await this.read(stored.value, type, q, depth);
    if (list.failures?.length || stored.freshUntil === 0) {
      return { ...stored, value: list, freshness: 'MISS', freshUntil: 0 };
    }
    await this.searches.save(key, this.scope(type, q, providers), list, new Date(stored.freshUntil));
    // The caches hold the shorter list; the next question reads the longer one from PostgreSQL.
    await this.readThrough.forget(key);
    return { ...stored, value: list, freshness: 'MISS' };
  }

  /** Reads the providers until the list covers `depth` items or they have no more. */
  private async read(start: ReadList, type: SearchType, q: string, depth: number): Promise<ReadList> {
    let list: SearchList = start;
    const failures: SourceFailure[] = [...(start.failures ?? [])];
    const failedBefore = failures.length;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const windows = nextWindows(list, depth, (provider) => this.providers.searchPageMax(provider as SourceProvider));
      if (windows.length === 0) {
        break;
      }
      const settled = await Promise.allSettled(
        windows.map((window) => {
          const provider = window.provider as SourceProvider;
          const providerQuery = provider === 'musicbrainz' ? escapeLucene(q) : q;
          return this.providers.searchWindow(provider, type, providerQuery, window);
        }),
      );
      const limited = rateLimitedAmong(settled);
      if (limited) {
        throw limited;
      }
      const results: WindowResult[] = [];
      settled.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled') {
          results.push(outcome.value);
        } else {
          failures.push(this.failureOf(windows[index].provider, outcome.reason));
        }
      });
      if (results.length === 0 && list.items.length === 0) {
        // Name each provider's reason in the detail too: gRPC callers get the detail but not `failures`.
        const named = failures.map((f) => `${f.source} (${f.reason})`).join(', ');
        throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `Every provider failed to answer the search: ${named}`, {
          retryAfterSeconds: this.settings.CATALOG_UPSTREAM_RETRY_AFTER_SECONDS,
          extensions: { failures },
        });
      }
      if (type === 'artist') {
        await this.addKnownPlatformIds(results);
      }
      list = extendSearchList(list, type, q, results, MATCH_DURATION_TOLERANCE_MS);
      if (failures.length > failedBefore) {
        break;
      }
    }
    return failures.length > 0 ? { ...list, failures } : list;
  }

  /**
   * Artists merge only on evidence beyond the name: a MusicBrainz artist the catalog already keeps brings the
   * platform ids its URL relations name, so the Deezer or Spotify hit with that id folds into it.
   */
  private async addKnownPlatformIds(results: readonly WindowResult[]): Promise<void> {
    const items = results.flatMap((result) => result.items).filter((item) => item.id.startsWith('musicbrainz:'));
    const urls = await this.entities.findArtistUrls(items.map((item) => item.id)).catch(
      // Without the catalog there is just no extra evidence: the hits stay apart, the search still answers.
      () => new Map<string, ExternalUrl[]>(),
    );
    for (const item of items) {
      item.externalIds = { ...platformIdsFromUrls(urls.get(item.id) ?? []), ...item.externalIds };
    }
  }

  private scope(type: SearchType, q: string, providers: SourceProvider[]) {
    return { type, query: q, provider: providers.join(',') };
  }

  private providersFor(requested: string | undefined): SourceProvider[] {
    const names = (requested || this.settings.CATALOG_SEARCH_PROVIDERS)
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const unknown = names.filter((name) => !SEARCHABLE.includes(name as SourceProvider));
    if (unknown.length > 0) {
      throw DomainError.invalid('providers', `unknown provider ${unknown.join(', ')}; use ${SEARCHABLE.join(', ')}`);
    }
    const enabled = [...new Set(names as SourceProvider[])].filter((name) => this.providers.isEnabled(name));
    if (enabled.length === 0) {
      throw DomainError.invalid('providers', 'none of the named providers is enabled');
    }
    // One kept list per provider set, whatever order they were named in.
    return enabled.sort((a, b) => SEARCHABLE.indexOf(a) - SEARCHABLE.indexOf(b));
  }

  private failureOf(provider: string, reason: unknown): SourceFailure {
    if (reason instanceof DomainError) {
      return { source: provider, code: reason.code, reason: reason.message };
    }
    return { source: provider, code: ErrorCode.INTERNAL, reason: 'unexpected error' };
  }
}
