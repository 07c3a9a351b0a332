import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, mergeMap, Observable, Subscription } from 'rxjs';
import { requestContext } from '../logging/request-context';
import { AnswerInterceptor } from './answer.interceptor';
import { inputOf, Later } from './later';
import { RequestContextInterceptor } from './request-context.interceptor';
import { ChunkStreamInterceptor } from './stream/chunk-stream.interceptor';

/**
 * Core's interceptors, registered as one global interceptor that does their work in turn, outermost first: the
 * request context surrounds the answer's delivery (so its log lines carry the id), and a ChunkStream is turned into
 * its transport's form before the Answer step looks at the result.
 *
 * Why one: Nest's InterceptorsConsumer puts every global interceptor in a layer of its own on every call (a
 * `defer`, an `AsyncResource`, a `mergeAll` and a promise). Running core's three inside one of them took ~7% off
 * the server CPU of an uncached warm lookup (A/B of two builds, bench/README.md).
 *
 * Why one Observable and no operators: chained, the three added an Observable, a `mergeMap` (with an inner
 * subscription per result) and a `map` to every call. Here each step shapes a result synchronously and only a
 * result known later (a `Later`: a streamed body, a gRPC stream's messages) goes through rxjs. Measured 2026-12-07
 * (/proc CPU per uncached warm lookup, 16 alternating rounds of 20 000 pipelined requests, load average 8-14, so
 * only the direction holds): pairwise median 0.95x of the chained build, ~0.97x in the quietest rounds.
 * `next.handle()` is Nest's own, so the handler runs inside the request context.
 */
@Injectable()
export class CallPipelineInterceptor implements NestInterceptor {
  constructor(
    private readonly contexts: RequestContextInterceptor,
    private readonly answers: AnswerInterceptor,
    private readonly chunks: ChunkStreamInterceptor,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const context = this.contexts.open(ctx);
    return new Observable<unknown>((subscriber) =>
      requestContext.run(context, () => {
        // The handler's results, plus one for each result still coming later; complete when none is left.
        let open = 1;
        const settle = (): void => {
          open -= 1;
          if (open === 0) {
            subscriber.complete();
          }
        };
        const subscriptions = new Subscription();
        const onResult = (result: unknown): void => {
          let shaped: unknown;
          try {
            shaped = this.shape(ctx, result);
          } catch (error: unknown) {
            // As an operator would: a step that throws fails the call (a subscriber's own throw would be lost).
            subscriber.error(error);
            return;
          }
          if (!(shaped instanceof Later)) {
            subscriber.next(shaped);
            return;
          }
          open += 1;
          subscriptions.add(
            from(shaped.input).subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => subscriber.error(error),
              complete: settle,
            }),
          );
        };
        subscriptions.add(
          next
            .handle()
            .subscribe({ next: onResult, error: (error: unknown) => subscriber.error(error), complete: settle }),
        );
        return subscriptions;
      }),
    );
  }

  /** The ChunkStream step, then the Answer step (on each message, when the first gives several later). */
  private shape(ctx: ExecutionContext, result: unknown): unknown {
    const shaped = this.chunks.shape(ctx, result);
    if (shaped instanceof Later) {
      return new Later(
        from(shaped.input).pipe(mergeMap((message: unknown) => inputOf(this.answers.shape(ctx, message)))),
      );
    }
    return this.answers.shape(ctx, shaped);
  }
}
