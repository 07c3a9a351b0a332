import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import {
  Injectable,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { mergeMap, Observable } from 'rxjs';
import { isRpc } from '../call-context';
import { ChunkStream } from './chunk-stream';
import { inputOf, Later } from '../later';

/**
 * Sends a `ChunkStream` a handler returns. REST: a stream body; Fastify pipes it into the socket, so the next chunk
 * is read only when the client has taken the last ones, and a failure after the first byte cuts the connection
 * (the client sees a broken download, never a short document that looks whole). gRPC: one message per chunk; Nest
 * writes what it is given and buffers what the call will not take, so the next chunk is read only once the call
 * has drained, and reading stops when the client cancels.
 */
@Injectable()
export class ChunkStreamInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(mergeMap((result: unknown) => inputOf(this.shape(ctx, result))));
  }

  /** What is sent for one result: a ChunkStream as its transport's form (gRPC: a `Later` of messages), else itself. */
  shape(ctx: ExecutionContext, result: unknown): unknown {
    if (!isChunkStream(result)) {
      return result;
    }
    if (isRpc(ctx)) {
      const call = ctx.getArgByIndex<Writable | undefined>(2);
      return call ? new Later(messages(result, call)) : result;
    }
    return new StreamableFile(Readable.from(result.chunks, { objectMode: false }), {
      type: result.contentType,
      disposition: result.filename ? `attachment; filename="${result.filename}"` : undefined,
    });
  }
}

/** Text or bytes alike: the pieces are only passed on. */
function isChunkStream(value: unknown): value is ChunkStream<string | Uint8Array> {
  return value instanceof ChunkStream;
}

function messages(stream: ChunkStream<string | Uint8Array>, call: Writable): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const stop = new AbortController();
    const send = async (message: unknown): Promise<void> => {
      subscriber.next(message);
      if (call.writableNeedDrain) {
        await once(call, 'drain', { signal: stop.signal });
      }
    };
    const pump = async (): Promise<void> => {
      try {
        if (stream.head !== undefined) {
          await send(stream.head);
        }
        for await (const chunk of stream.chunks) {
          if (stop.signal.aborted) {
            return;
          }
          await send(stream.toMessage(chunk));
        }
      } finally {
        stream.close?.();
      }
    };
    pump().then(
      () => subscriber.complete(),
      (error: unknown) => (stop.signal.aborted ? undefined : subscriber.error(error)),
    );
    return () => stop.abort();
  });
}
