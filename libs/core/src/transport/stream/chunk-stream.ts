import { coalesce, jsonChunks } from './json-stream';

/** About how much text goes into one HTTP write or one gRPC message. */
export const STREAM_CHUNK_CHARS = 64 * 1024;

/**
 * What a handler returns to send a large answer without holding it: text read piece by piece as the client takes
 * it. REST sends the text as the body (with `contentType`); gRPC sends one message per chunk, made by `toMessage`.
 * ChunkStreamInterceptor does the sending, with backpressure on both transports.
 */
export class ChunkStream {
  constructor(
    readonly chunks: AsyncIterable<string>,
    readonly contentType: string,
    readonly toMessage: (chunk: string) => unknown,
    /** REST only: offered as the name to save the body under (Content-Disposition: attachment). */
    readonly filename?: string,
  ) {}

  /** One JSON document written as it is read (see jsonChunks). */
  static json(value: unknown, toMessage: (chunk: string) => unknown, filename?: string): ChunkStream {
    return new ChunkStream(
      coalesce(jsonChunks(value), STREAM_CHUNK_CHARS),
      'application/json; charset=utf-8',
      toMessage,
      filename,
    );
  }
}
