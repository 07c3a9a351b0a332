import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService, zeroed, type Freshness } from '@app/core';

/** The catalog's metric names (deploy/ alert rules and the Grafana dashboard use them). */
export const CATALOG_METRIC = {
  catalogAnswers: 'chorus_catalog_answers_total',
} as const;

/** The catalog's metrics, on core's registry. */
@Injectable()
export class CatalogMetrics {
  private readonly answers: Record<Freshness, Counter.Internal>;

  constructor(core: MetricsService) {
    const answers = new Counter({
      name: CATALOG_METRIC.catalogAnswers,
      help: 'Catalog answers by freshness: hit (cache or fresh row), miss (fetched from a provider), stale.',
      labelNames: ['freshness'],
      registers: [core.registry],
    });
    // Exported in lower case.
    this.answers = {
      HIT: zeroed(answers.labels('hit')),
      MISS: zeroed(answers.labels('miss')),
      STALE: zeroed(answers.labels('stale')),
    };
  }

  recordAnswer(freshness: Freshness, count = 1): void {
    if (count > 0) {
      this.answers[freshness].inc(count);
    }
  }
}
