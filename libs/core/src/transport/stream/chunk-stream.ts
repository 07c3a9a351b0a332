import { coalesce, jsonChunks } from './json-stream';

/** About how much text goes into one HTTP write or one gRPC message. */
export const STREAM_CHUNK_CHARS = 64 * 1024;

/**
 * What a handler returns to send a large answer without holding it: text (or bytes) read piece by piece as the
 * client takes it. REST sends the pieces as the body (with `contentType`); gRPC sends one message per chunk, made by
 * `toMessage`, after `head` when there is one. ChunkStreamInterceptor does the sending, with backpressure on both
 * transports.
 */
export class ChunkStream<T extends string | Uint8Array = string> {
  constructor(
    readonly chunks: AsyncIterable<T>,
    readonly contentType: string,
    readonly toMessage: (chunk: T) => unknown,
    /** REST only: offered as the name to save the body under (Content-Disposition: attachment). */
    readonly filename?: string,
    /** gRPC only: a first message that describes the chunks (what REST says in headers). */
    readonly head?: unknown,
    /**
     * gRPC only: releases what the chunks are read from (an open file), called once the stream ends however it
     * ends, also when the client left before the first chunk was read (an unstarted iterator has nothing to close).
     */
    readonly close?: () => void,
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

  /** Bytes for a gRPC stream: `head` first, then one message per chunk; `close` when done. */
  static bytes(options: {
    chunks: AsyncIterable<Uint8Array>;
    contentType: string;
    head: unknown;
    toMessage: (chunk: Uint8Array) => unknown;
    close: () => void;
  }): ChunkStream<Uint8Array> {
    const { chunks, contentType, head, toMessage, close } = options;
    return new ChunkStream(chunks, contentType, toMessage, undefined, head, close);
  }
}
