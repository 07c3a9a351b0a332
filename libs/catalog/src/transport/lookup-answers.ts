import { createHash } from 'node:crypto';
import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { etagMatches, requestContext, ResponseCache, RpcResponseCache, type RequestContext } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import type { CoverImage } from '../extras/cover-image.fetcher';
import { FRESHNESS_HEADERS, markFreshness } from '../read-path/freshness';
import type { Answer } from '../read-path/read-through.service';

const STALE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function etagOf(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

/**
 * Until when the answer of this call may be replayed: it came from the read path (which reports its freshness)
 * and is tied to no signed-in caller. A stale answer's time is already past, so the replay caches refuse it.
 */
function replayableUntil(context: RequestContext): number | undefined {
  return context.userId ? undefined : context.freshUntil;
}

/**
 * How a catalog answer leaves, per transport. REST: a weak ETag over the answer, Cache-Control from its freshness
 * (a stale answer must be revalidated), 304 when the client already has it. Both transports: a fresh answer of a
 * public lookup goes into the replay caches (core's ResponseCache / RpcResponseCache), which answer the same
 * question again before Nest's pipeline until the answer or its L1 entry expires. Cover image bytes are not kept.
 *
 * Called by the controller on its answer rather than run as an interceptor: an rxjs layer per request cost ~10%
 * of a lookup served from PostgreSQL (bench/README.md). It works from the call's request context.
 */
@Injectable()
export class LookupAnswers {
  private readonly freshCacheControl: string;

  constructor(
    @Inject(catalogSettings.KEY) settings: CatalogSettings,
    private readonly responses: ResponseCache,
    private readonly rpcResponses: RpcResponseCache,
  ) {
    this.freshCacheControl = `public, max-age=${settings.CATALOG_HTTP_MAX_AGE_SECONDS}`;
  }

  /** The answer as this call's transport sends it: over HTTP the serialized body (or nothing, for a 304). */
  send<T>(answer: Answer<T>): T | string | undefined {
    markFreshness(answer.freshness);
    const context = requestContext.current();
    if (context?.http) {
      return this.sendJson(context, answer);
    }
    if (context?.rpc) {
      this.keepRpc(context, answer.value);
    }
    return answer.value;
  }

  /** A cover image: over HTTP the bytes with an ETag (never kept for replay), over gRPC the message. */
  sendCover(image: CoverImage): CoverImage | StreamableFile | undefined {
    const http = requestContext.current()?.http;
    if (!http) {
      return image;
    }
    const etag = etagOf(image.data);
    void http.reply.header('etag', etag);
    void http.reply.header('cache-control', this.freshCacheControl);
    if (etagMatches(http.request.headers['if-none-match'], etag)) {
      void http.reply.status(304);
      return undefined;
    }
    return new StreamableFile(image.data, { type: image.contentType, length: image.data.length });
  }

  private sendJson<T>(context: RequestContext, answer: Answer<T>): string | undefined {
    const { request, reply } = context.http as NonNullable<RequestContext['http']>;
    // Serialized once: the same bytes give the ETag and the body, so Fastify does not stringify again.
    const body = JSON.stringify(answer.value);
    const etag = etagOf(body);
    const freshUntil = replayableUntil(context);
    void reply.header('etag', etag);
    void reply.header('cache-control', answer.freshness === 'STALE' ? STALE_CACHE_CONTROL : this.freshCacheControl);
    if (freshUntil !== undefined && request.method === 'GET' && this.responses.enabled) {
      // Replays say HIT: they come from memory, whatever the first answer was.
      const headers = {
        'content-type': JSON_CONTENT_TYPE,
        etag,
        'cache-control': this.freshCacheControl,
        ...FRESHNESS_HEADERS.HIT,
      };
      this.responses.put(request.url, { body, etag, headers }, freshUntil);
    }
    if (etagMatches(request.headers['if-none-match'], etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.header('content-type', JSON_CONTENT_TYPE);
    return body;
  }

  private keepRpc(context: RequestContext, value: unknown): void {
    const freshUntil = replayableUntil(context);
    const call = context.rpc;
    if (freshUntil === undefined || call === undefined || call.path === '') {
      return;
    }
    this.rpcResponses.keep(call.path, call.request, { message: value, metadata: FRESHNESS_HEADERS.HIT }, freshUntil);
  }
}
