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
import { etagMatches, etagOf } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import type { CoverImage } from '../extras/cover-image.fetcher';

/**
 * REST answers of GetCover are the image bytes, not the message gRPC gets: a weak ETag over the bytes,
 * Cache-Control, 304 when the client already has them. JSON lookups get the same from core's AnswerCaching on
 * the serialized payload; image bytes are never kept in the replay caches.
 */
@Injectable()
export class CoverImageInterceptor implements NestInterceptor {
  private readonly cacheControl: string;

  constructor(@Inject(catalogSettings.KEY) settings: CatalogSettings) {
    this.cacheControl = `public, max-age=${settings.CATALOG_HTTP_MAX_AGE_SECONDS}`;
  }

  intercept(ctx: ExecutionContext, next: CallHandler<CoverImage>): Observable<unknown> {
    if (ctx.getType() !== 'http') {
      return next.handle();
    }
    return next.handle().pipe(map((image) => this.answerHttp(ctx, image)));
  }

  private answerHttp(ctx: ExecutionContext, image: CoverImage): StreamableFile | undefined {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const etag = etagOf(image.data);
    void reply.header('etag', etag);
    void reply.header('cache-control', this.cacheControl);
    if (etagMatches(request.headers['if-none-match'], etag)) {
      void reply.status(304);
      return undefined;
    }
    return new StreamableFile(image.data, { type: image.contentType, length: image.data.length });
  }
}
