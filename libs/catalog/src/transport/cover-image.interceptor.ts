import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { Answers, type Answer } from '@app/core';
import type { CoverImage } from '../application/cover-image.fetcher';

/**
 * GetCover over REST answers the image bytes with their content type, where gRPC gets the message. ETag,
 * Cache-Control and 304 come from core's AnswerInterceptor on those bytes, as for every lookup.
 */
@Injectable()
export class CoverImageInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler<Answer<CoverImage>>): Observable<unknown> {
    if (ctx.getType() !== 'http') {
      return next.handle();
    }
    return next.handle().pipe(
      map((answer) => {
        void ctx.switchToHttp().getResponse<FastifyReply>().header('content-type', answer.value.contentType);
        return Answers.map(answer, (image) => image.data);
      }),
    );
  }
}
