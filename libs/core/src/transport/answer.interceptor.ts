import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { mergeMap, type Observable } from 'rxjs';
import type { Answer } from '../answer/answer';
import { cacheControlFor, FRESHNESS_META } from '../answer/answer-policy';
import { Clock } from '../time/clock';
import { callerOf, httpReplyOf, httpRequestOf, isRpc, rpcMetadataOf } from './call-context';
import { markAnswerValue } from './grpc/answer-bytes';
import { setRpcResponseMeta } from './grpc/grpc-edge';
import { encodeJson, etagMatches, etagOf } from './http/etag';
import { JsonBody } from './http/json-body';
import { markNotModified } from './http/not-modified';
import { isStreamedBody, type StreamedBody } from './http/streamed-body';
import { inputOf, Later } from './later';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * One header at a time rather than `reply.headers({ ...meta, etag, ... })`: on Node 20 (the bench's), V8 spends
 * ~4 µs spreading an object into a literal that then adds keys the source lacks, against ~0.1 µs for these
 * calls (microbenchmark; the spread line was ~2% of an uncached lookup's CPU in the profile).
 */
function setAnswerHeaders(
  reply: FastifyReply,
  meta: Readonly<Record<'x-cache' | 'cache-status', string>>,
  etag: string,
  cacheControl: string,
): void {
  void reply
    .header('x-cache', meta['x-cache'])
    .header('cache-status', meta['cache-status'])
    .header('etag', etag)
    .header('cache-control', cacheControl);
}

/** Read use cases return an `Answer<T>`; anything else a handler returns passes through untouched. */
export function isAnswer(value: unknown): value is Answer<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'value' in value &&
    'freshness' in value &&
    'freshUntil' in value &&
    'failures' in value
  );
}

/**
 * Turns the `Answer<T>` a handler returns into what its transport says about it, and sends the value:
 * - both: `x-cache` and RFC 9211 `cache-status` (gRPC: initial and trailing metadata, added by the gRPC edge);
 * - gRPC: the value's protobuf bytes are encoded once per kept answer (answer-bytes.ts), as REST's JSON is;
 * - a result that is not an answer passes through, a `JsonBody` as its message (gRPC) or its bytes (REST);
 * - REST: an ETag over the bytes sent (for JSON computed once per kept answer; a `StreamedBody` brings its own),
 *   Cache-Control from `cacheControlFor`, and 304 when the client's If-None-Match already names those bytes.
 */
@Injectable()
export class AnswerInterceptor implements NestInterceptor {
  constructor(private readonly clock: Clock) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(mergeMap((result: unknown) => inputOf(this.shape(ctx, result))));
  }

  /** What is sent for one result: the value itself, or a `Later` when it is known only later (a streamed body). */
  shape(ctx: ExecutionContext, result: unknown): unknown {
    return isAnswer(result) ? this.deliver(ctx, result) : this.plain(ctx, result);
  }

  /** Any other result goes as it is; a `JsonBody` as its message (gRPC) or its bytes (REST). */
  private plain(ctx: ExecutionContext, result: unknown): unknown {
    if (!(result instanceof JsonBody)) {
      return result;
    }
    if (isRpc(ctx)) {
      return result.message() as unknown;
    }
    void ctx.switchToHttp().getResponse<FastifyReply>().header('content-type', JSON_TYPE);
    return result.bytes();
  }

  private deliver(ctx: ExecutionContext, answer: Answer<unknown>): unknown {
    const meta = FRESHNESS_META[answer.freshness];
    if (isRpc(ctx)) {
      setRpcResponseMeta(rpcMetadataOf(ctx), meta);
      markAnswerValue(answer.value);
      return answer.value;
    }
    const reply = httpReplyOf(ctx);
    if (isStreamedBody(answer.value)) {
      return new Later(this.deliverStream(ctx, reply, answer as Answer<StreamedBody>));
    }
    const bytes = Buffer.isBuffer(answer.value) ? answer.value : undefined;
    const json = bytes === undefined ? encodeJson(answer.value) : undefined;
    const etag = json?.etag ?? etagOf(bytes as Buffer);
    const cacheControl = cacheControlFor({ answer, now: this.clock.nowMs(), signedIn: callerOf(ctx) !== undefined });
    setAnswerHeaders(reply, meta, etag, cacheControl);
    if (json !== undefined) {
      // Sent as it is: the JSON was made once, above, and Fastify need not serialize it again.
      void reply.header('content-type', JSON_TYPE);
    }
    if (etagMatches(httpRequestOf(ctx).headers['if-none-match'], etag)) {
      markNotModified(reply);
    }
    return json?.body ?? bytes;
  }

  /** A streamed body: its own ETag, and on a match nothing is read (the 304 is answered from the validator). */
  private async deliverStream(
    ctx: ExecutionContext,
    reply: FastifyReply,
    answer: Answer<StreamedBody>,
  ): Promise<unknown> {
    const body = answer.value;
    const cacheControl = cacheControlFor({ answer, now: this.clock.nowMs(), signedIn: callerOf(ctx) !== undefined });
    setAnswerHeaders(reply, FRESHNESS_META[answer.freshness], body.etag, cacheControl);
    void reply.header('content-type', body.contentType).header('content-length', body.length);
    if (etagMatches(httpRequestOf(ctx).headers['if-none-match'], body.etag)) {
      markNotModified(reply);
      await body.discard();
      return '';
    }
    return body.open();
  }
}
