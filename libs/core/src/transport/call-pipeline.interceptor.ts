import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { AnswerInterceptor } from './answer.interceptor';
import { RequestContextInterceptor } from './request-context.interceptor';
import { ChunkStreamInterceptor } from './stream/chunk-stream.interceptor';

/** An interceptor that hands back its Observable at once, as core's do. */
interface SyncInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown>;
}

/**
 * Core's interceptors, registered as one global interceptor that runs them in turn, outermost first: the request
 * context surrounds the answer's delivery (so its log lines carry the id), and a ChunkStream is turned into
 * its transport's form before anything else looks at the result.
 *
 * Why one: Nest's InterceptorsConsumer puts every global interceptor in a layer of its own on every call (a
 * `defer`, an `AsyncResource`, a `mergeAll` and a promise). Running core's three inside one of them took ~7% off
 * the server CPU of an uncached warm lookup (A/B of two builds, bench/README.md). Each still sees the same
 * context; `next.handle()` of the innermost is Nest's own, so the handler runs inside the request context.
 */
@Injectable()
export class CallPipelineInterceptor implements NestInterceptor {
  private readonly chain: readonly SyncInterceptor[];

  constructor(context: RequestContextInterceptor, answers: AnswerInterceptor, chunks: ChunkStreamInterceptor) {
    this.chain = [context, answers, chunks];
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return this.from(0, ctx, next);
  }

  private from(index: number, ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const interceptor = this.chain[index];
    if (interceptor === undefined) {
      return next.handle();
    }
    return interceptor.intercept(ctx, { handle: () => this.from(index + 1, ctx, next) });
  }
}
