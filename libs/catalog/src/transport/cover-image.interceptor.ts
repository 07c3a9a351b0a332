import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { mergeMap, type Observable } from 'rxjs';
import { Answers, type Answer, type StreamedBody } from '@app/core';
import type { OpenCover } from '../persistence/cover-file.store';

/** The content hash as a strong validator: the same bytes are the same image, whichever request got them. */
export function coverEtag(hash: string): string {
  return `"${hash}"`;
}

function streamedBody(file: OpenCover): StreamedBody {
  return {
    kind: 'streamed-body',
    etag: coverEtag(file.hash),
    contentType: file.contentType,
    length: file.size,
    open: () => file.handle.createReadStream({ autoClose: true }),
    discard: () => file.handle.close(),
  };
}

async function readWhole(file: OpenCover): Promise<{ contentType: string; data: Buffer }> {
  try {
    return { contentType: file.contentType, data: await file.handle.readFile() };
  } finally {
    await file.handle.close();
  }
}

/**
 * GetCover over REST streams the kept file (ETag = its content hash, so core's AnswerInterceptor answers a
 * matching If-None-Match with 304 without reading it); gRPC has no streaming here, so its message carries the
 * bytes, read from the file (at most CATALOG_COVER_MAX_BYTES).
 */
@Injectable()
export class CoverImageInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler<Answer<OpenCover>>): Observable<unknown> {
    const http = ctx.getType() === 'http';
    return next
      .handle()
      .pipe(
        mergeMap(async (answer) =>
          http ? Answers.map(answer, streamedBody) : { ...answer, value: await readWhole(answer.value) },
        ),
      );
  }
}
