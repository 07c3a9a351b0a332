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
import { requestContext } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import type { CoverImage } from '../extras/cover-image.fetcher';

const STALE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

function etagOf(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

function matches(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  return typeof header === 'string' && header.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
}

/**
 * REST caching headers for lookups: a weak ETag over the answer, Cache-Control from the answer's freshness
 * (a stale answer must be revalidated), and 304 when the client already has it. gRPC answers pass untouched.
 */
@Injectable()
export class HttpCachingInterceptor implements NestInterceptor {
  private readonly freshCacheControl: string;

  constructor(@Inject(catalogSettings.KEY) settings: CatalogSettings) {
    this.freshCacheControl = `public, max-age=${settings.CATALOG_HTTP_MAX_AGE_SECONDS}`;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') {
      return next.handle();
    }
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((value: unknown) => {
        const binary = isCoverImage(value);
        // Serialized once: the same bytes give the ETag and the body, so Fastify does not stringify again.
        const body = binary ? value.data : JSON.stringify(value);
        const etag = etagOf(body);
        const stale = requestContext.current()?.responseMeta.get('x-cache') === 'STALE';
        void reply.header('etag', etag);
        void reply.header('cache-control', stale ? STALE_CACHE_CONTROL : this.freshCacheControl);
        if (matches(request, etag)) {
          void reply.status(304);
          return undefined;
        }
        if (binary) {
          return new StreamableFile(value.data, { type: value.contentType, length: value.data.length });
        }
        void reply.header('content-type', 'application/json; charset=utf-8');
        return body;
      }),
    );
  }
}

export function isCoverImage(value: unknown): value is CoverImage {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as Partial<CoverImage>).data);
}
