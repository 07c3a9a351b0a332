import type { Answer } from '@app/core';
import type { SearchResult } from '../application/search.service';
import type { SearchHit } from '../domain/search-merge';

/** chorus.v1.SearchResponse, also the REST body: `status` is "OK" or "PARTIAL" on the wire. */
export interface SearchResponse {
  status: 'OK' | 'PARTIAL';
  items: SearchHit[];
  failures: Array<{ provider: string; code: string; message: string }>;
  limit: number;
  offset: number;
  total?: number;
  estimatedTotal?: number;
}

/** The wire form of a search answer: its status and failures travel in the message itself. */
export function toSearchResponse(page: SearchResult, answer: Answer<unknown>): SearchResponse {
  return {
    status: answer.status === 'COMPLETE' ? 'OK' : 'PARTIAL',
    items: page.items,
    failures: answer.failures.map((failure) => ({
      provider: failure.source,
      code: failure.code ?? 'INTERNAL',
      message: failure.reason,
    })),
    limit: page.limit,
    offset: page.offset,
    total: page.total,
    estimatedTotal: page.estimatedTotal,
  };
}
