import { Answers, type Answer, type SourceFailure } from '@app/core';
import type { SearchResult } from '../application/search.service';

/** chorus.v1.ProviderFailure */
interface WireFailure {
  provider: string;
  code: string;
  message: string;
}

function toWireFailure(failure: SourceFailure & { code?: string }): WireFailure {
  return { provider: failure.source, code: failure.code ?? 'UPSTREAM_UNAVAILABLE', message: failure.reason };
}

/** chorus.v1.SearchResponse: the answer's status and failures travel in the body, as they always have (OK | PARTIAL). */
export function toSearchResponse(answer: Answer<SearchResult>) {
  return Answers.map(answer, (value) => ({
    status: answer.status === 'PARTIAL' ? 'PARTIAL' : 'OK',
    ...value,
    failures: answer.failures.map(toWireFailure),
  }));
}
