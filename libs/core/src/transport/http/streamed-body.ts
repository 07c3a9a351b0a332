import type { Readable } from 'node:stream';

/**
 * A REST body sent as a stream (a cover image on disk) whose validator is known without reading it, so a
 * revalidation is answered 304 without touching the bytes. `open` is called only when the body is sent;
 * otherwise `discard` releases what holds it (an open file).
 */
export interface StreamedBody {
  readonly kind: 'streamed-body';
  /** A strong validator, quoted: `"<content hash>"`. */
  readonly etag: string;
  readonly contentType: string;
  readonly length: number;
  open(): Readable;
  discard(): Promise<void>;
}

export function isStreamedBody(value: unknown): value is StreamedBody {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'streamed-body';
}
