import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, mergeMap, type Observable } from 'rxjs';
import {
  Answers,
  ChunkStream,
  DomainError,
  ErrorCode,
  FRESHNESS_META,
  grpcSettings,
  rpcMetadataOf,
  setRpcResponseMeta,
  type Answer,
  type GrpcSettings,
  type StreamedBody,
} from '@app/core';
import type { ServedCover } from '../application/cover-art.service';

/** Bytes per StreamCover message: small enough to interleave with other calls, large enough to be few. */
export const COVER_CHUNK_BYTES = 64 * 1024;
/** Room left in GetCover's message for its fields' tags and lengths. */
const MESSAGE_FRAMING_BYTES = 16;

/** The content hash as a strong validator: the same bytes are the same image, whichever request got them. */
export function coverEtag(hash: string): string {
  return `"${hash}"`;
}

function streamedBody(file: ServedCover): StreamedBody {
  return {
    kind: 'streamed-body',
    etag: coverEtag(file.hash),
    contentType: file.contentType,
    length: file.size,
    open: () => file.handle.createReadStream({ autoClose: true }),
    discard: () => file.handle.close(),
  };
}

/**
 * GetCover's one message: the size is known before reading, so an image that cannot fit (grpc-js would refuse to
 * send it, as INTERNAL or RESOURCE_EXHAUSTED without a word on what to do) is refused unread, naming StreamCover.
 */
async function readWhole(file: ServedCover, maxMessageBytes: number): Promise<{ contentType: string; data: Buffer }> {
  try {
    if (file.size + Buffer.byteLength(file.contentType) + MESSAGE_FRAMING_BYTES > maxMessageBytes) {
      throw new DomainError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `The image (${file.size} bytes) is larger than one message may be (${maxMessageBytes} bytes); ` +
          'use StreamCover (or GET /v1/cover/{id})',
      );
    }
    return { contentType: file.contentType, data: await file.handle.readFile() };
  } finally {
    await file.handle.close();
  }
}

/**
 * GetCover over REST streams the kept file (ETag = its content hash, so core's AnswerInterceptor answers a
 * matching If-None-Match with 304 without reading it); over gRPC its one message carries the bytes, when they fit.
 */
@Injectable()
export class CoverImageInterceptor implements NestInterceptor {
  constructor(@Inject(grpcSettings.KEY) private readonly grpc: GrpcSettings) {}

  intercept(ctx: ExecutionContext, next: CallHandler<Answer<ServedCover>>): Observable<unknown> {
    const http = ctx.getType() === 'http';
    return next
      .handle()
      .pipe(
        mergeMap(async (answer) =>
          http
            ? Answers.map(answer, streamedBody)
            : { ...answer, value: await readWhole(answer.value, this.grpc.GRPC_MAX_MESSAGE_BYTES) },
        ),
      );
  }
}

/**
 * StreamCover (gRPC only): the kept file as messages, `info` first, then 64 KiB chunks read as the call drains
 * (core's ChunkStreamInterceptor), so no image is held whole whatever its size. The answer's freshness goes in the
 * call's metadata here, as AnswerInterceptor does for one-message answers: a stream is not an Answer by then.
 */
@Injectable()
export class CoverStreamInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler<Answer<ServedCover>>): Observable<unknown> {
    return next.handle().pipe(
      map((answer) => {
        setRpcResponseMeta(rpcMetadataOf(ctx), FRESHNESS_META[answer.freshness]);
        const file = answer.value;
        const info = {
          contentType: file.contentType,
          etag: coverEtag(file.hash),
          size: file.size,
          source: file.source,
        };
        const chunks = file.handle.createReadStream({ highWaterMark: COVER_CHUNK_BYTES, autoClose: true });
        return ChunkStream.bytes({
          chunks,
          contentType: file.contentType,
          head: { info },
          toMessage: (chunk) => ({ chunk }),
          // Closes the file also when the client left before a byte of it was read.
          close: () => chunks.destroy(),
        });
      }),
    );
  }
}
