import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { callerOf, etagMatches, requestContext, ResponseCache, rpcCallOf, RpcResponseCache } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import type { CoverImage } from '../extras/cover-image.fetcher';
import { FRESHNESS_HEADERS } from '../read-path/freshness';

const STALE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function etagOf(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

function isStale(): boolean {
  return requestContext.current()?.responseMeta.get('x-cache') === 'STALE';
}

/**
 * Until when the answer of this call may be replayed: it came from the read path (which reports its freshness)
 * and is tied to no signed-in caller. A stale answer's time is already past, so the replay caches refuse it.
 */
function replayableUntil(ctx: ExecutionContext): number | undefined {
  return callerOf(ctx) ? undefined : requestContext.current()?.freshUntil;
}

/**
 * Caching for lookups. REST: a weak ETag over the answer, Cache-Control from the answer's freshness (a stale
 * answer must be revalidated), and 304 when the client already has it. Both transports: a fresh answer of a
 * public lookup goes into the replay caches (core's ResponseCache / RpcResponseCache), which answer the same
 * question again before Nest's pipeline until the answer or its L1 entry expires. Cover image bytes are not kept.
 */
@Injectable()
export class LookupCachingInterceptor implements NestInterceptor {
  private readonly freshCacheControl: string;

  constructor(
    @Inject(catalogSettings.KEY) settings: CatalogSettings,
    private readonly responses: ResponseCache,
    private readonly rpcResponses: RpcResponseCache,
  ) {
    this.freshCacheControl = `public, max-age=${settings.CATALOG_HTTP_MAX_AGE_SECONDS}`;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() === 'http') {
      return next.handle().pipe(map((value: unknown) => this.answerHttp(ctx, value)));
    }
    if (!this.rpcResponses.enabled) {
      return next.handle();
    }
    return next.handle().pipe(
      map((value: unknown) => {
        this.rememberRpc(ctx, value);
        return value;
      }),
    );
  }

  private answerHttp(ctx: ExecutionContext, value: unknown): unknown {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const binary = isCoverImage(value);
    // Serialized once: the same bytes give the ETag and the body, so Fastify does not stringify again.
    const body = binary ? value.data : JSON.stringify(value);
    const etag = etagOf(body);
    const freshUntil = replayableUntil(ctx);
    void reply.header('etag', etag);
    void reply.header('cache-control', isStale() ? STALE_CACHE_CONTROL : this.freshCacheControl);
    if (typeof body === 'string' && freshUntil !== undefined && request.method === 'GET' && this.responses.enabled) {
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
    if (binary) {
      return new StreamableFile(value.data, { type: value.contentType, length: value.data.length });
    }
    void reply.header('content-type', JSON_CONTENT_TYPE);
    return body;
  }

  private rememberRpc(ctx: ExecutionContext, value: unknown): void {
    const freshUntil = replayableUntil(ctx);
    const path = rpcCallOf(ctx)?.getPath();
    if (freshUntil === undefined || path === undefined || isCoverImage(value)) {
      return;
    }
    const request = ctx.switchToRpc().getData<unknown>();
    this.rpcResponses.keep(path, request, { message: value, metadata: FRESHNESS_HEADERS.HIT }, freshUntil);
  }
}

export function isCoverImage(value: unknown): value is CoverImage {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as Partial<CoverImage>).data);
}
