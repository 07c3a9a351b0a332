import { Inject, Injectable } from '@nestjs/common';
import { Answers, DomainError, ErrorCode, type Answer, type SourceFailure } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import type { SourceProvider } from '../domain/catalog-id';
import { ProviderGateway, type SearchItem, type SearchType } from './provider.gateway';
import { SearchRepository, type StoredSearch } from '../persistence/search.repository';
import { ReadThrough } from './read-through.service';
import { mergeSearchResults, normalizeText, type ProviderResults, type SearchHit } from '../domain/search-merge';
import { MATCH_DURATION_TOLERANCE_MS } from '../domain/track-match';

export interface SearchQuery {
  q: string;
  type: SearchType;
  limit: number;
  offset: number;
  providers?: string;
}

/** One page of merged hits; which providers failed is in the answer's `failures` (status PARTIAL). */
export interface SearchPage {
  items: SearchHit[];
  limit: number;
  offset: number;
}

const SEARCHABLE: readonly SourceProvider[] = ['musicbrainz', 'deezer', 'itunes', 'spotify'];

/** Lucene's special characters, escaped so a user's words are searched as words. */
export function escapeLucene(text: string): string {
  return text.replace(/([+\-!(){}[\]^"~*?:\\/]|&&|\|\|)/g, '\\$1');
}

export function normalizeQuery(q: string): string {
  return q.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

@Injectable()
export class SearchService {
  constructor(
    private readonly readThrough: ReadThrough,
    private readonly searches: SearchRepository,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async search(query: SearchQuery): Promise<Answer<SearchPage>> {
    const q = normalizeQuery(query.q);
    if (normalizeText(q) === '') {
      throw DomainError.invalid('q', 'must contain letters or digits');
    }
    const providers = this.providersFor(query.providers);
    const settled = await Promise.allSettled(providers.map((provider) => this.searchOne(provider, q, query)));
    const results: ProviderResults[] = [];
    const failures: SourceFailure[] = [];
    const parts: Answer<unknown>[] = [];
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        results.push({ provider: providers[index], items: outcome.value.value.items });
        parts.push(outcome.value);
      } else {
        failures.push(this.failureOf(providers[index], outcome.reason));
      }
    });
    if (results.length === 0) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Every provider failed to answer the search', {
        retryAfterSeconds: this.settings.CATALOG_UPSTREAM_RETRY_AFTER_SECONDS,
        extensions: { failures },
      });
    }
    const items = mergeSearchResults(query.type, results, MATCH_DURATION_TOLERANCE_MS);
    return Answers.combine({ items, limit: query.limit, offset: query.offset }, parts, failures);
  }

  /** Admin purge: every kept page of one search, from every layer. */
  async purge(q: string, type: string): Promise<number> {
    const keys = await this.searches.deleteQuery(type, normalizeQuery(q));
    for (const key of keys) {
      await this.readThrough.forget(key);
    }
    return keys.length;
  }

  private searchOne(provider: SourceProvider, q: string, query: SearchQuery) {
    const key = `search:${query.type}:${provider}:${query.limit}:${query.offset}:${q}`;
    const providerQuery = provider === 'musicbrainz' ? escapeLucene(q) : q;
    return this.readThrough.read<StoredSearch<SearchItem>>({
      key,
      ttlSeconds: catalogTtls(this.settings).search,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.searches.find<SearchItem>(key),
      fetch: async () => {
        const page = await this.providers.search(provider, query.type, providerQuery, query.limit, query.offset);
        return { items: page.items, total: page.total };
      },
      save: (answer, expiresAt) => this.searches.save(key, { type: query.type, query: q, provider }, answer, expiresAt),
    });
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
    return enabled;
  }

  private failureOf(source: string, error: unknown): SourceFailure {
    if (error instanceof DomainError) {
      return { source, code: error.code, reason: error.message };
    }
    return { source, code: ErrorCode.INTERNAL, reason: 'unexpected error' };
  }
}
