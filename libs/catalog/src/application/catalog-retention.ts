import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock, RetentionRegistry } from '@app/core';
import { MissRepository } from '../persistence/miss.repository';
import { SearchRepository } from '../persistence/search.repository';

/**
 * How long a kept search outlives its expiry: while a provider is down, an expired search is still answered
 * (STALE) rather than failed, so it is not deleted the moment it expires.
 */
export const SEARCH_STALE_KEEP_MS = 7 * 86_400_000;

/**
 * The catalog's part of the scheduled retention cleanup: remembered misses past their expiry (never read again)
 * and kept searches a week past theirs.
 */
@Injectable()
export class CatalogRetention implements OnModuleInit {
  constructor(
    private readonly registry: RetentionRegistry,
    private readonly misses: MissRepository,
    private readonly searches: SearchRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      table: 'catalog_misses',
      purgeBatch: (limit) => this.misses.purgeExpired(this.clock.now(), limit),
    });
    this.registry.register({
      table: 'catalog_searches',
      purgeBatch: (limit) =>
        this.searches.purgeExpiredBefore(new Date(this.clock.now().getTime() - SEARCH_STALE_KEEP_MS), limit),
    });
  }
}
