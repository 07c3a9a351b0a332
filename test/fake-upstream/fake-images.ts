import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Stands for a JPEG when no size is set: the relay only checks the content type and size. */
export const FAKE_IMAGE_BYTES = 'fake-jpeg-bytes';

const CHUNK = 64 * 1024;
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

/**
 * `size` bytes that differ per path: a JPEG signature, the path, then filler that differs with the offset (251 is
 * prime, so no two 64 KiB pieces of an image under 16 MiB are alike), so bytes relayed out of order or twice do not compare equal.
 */
export function fakeImage(path: string, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 1) {
    bytes[i] = (i + path.length) % 251;
  }
  Buffer.concat([JPEG_MAGIC, Buffer.from(path)]).copy(bytes);
  return bytes;
}

/**
 * The archive.org side of Cover Art Archive images (`/archive/download/mbid-<release>/mbid-<release>-<file>`,
 * where coverartarchive.org's 307 leads): `image/jpeg` bytes, streamed in chunks that respect backpressure, so a
 * client that stops reading makes the sending stop. Counts image byte requests and the peak number in flight,
 * and can hold every answer until released (to fill a client's download slots).
 */
export class FakeImages {
  /** Bytes per image; unset: FAKE_IMAGE_BYTES. */
  size?: number;
  /** Sent without Content-Length (as a chunked stream), so the client only finds out the size by reading. */
  omitLength = false;
  /** Waited after a request arrives (and counts as in flight), before answering. */
  latencyMs = 0;
  /** Waited between body chunks, as a slow image host trickles bytes, so many downloads overlap. */
  chunkDelayMs = 0;
  served = 0;
  inFlight = 0;
  peakInFlight = 0;
  /** Body bytes written per request, in arrival order. */
  readonly bytesSent: number[] = [];
  private gate?: Promise<void>;
  private listeners: (() => void)[] = [];

  reset(): void {
    this.size = undefined;
    this.omitLength = false;
    this.latencyMs = 0;
    this.chunkDelayMs = 0;
    this.served = 0;
    this.inFlight = 0;
    this.peakInFlight = 0;
    this.bytesSent.length = 0;
    this.gate = undefined;
  }

  /** Image answers wait from now on until the returned function is called. */
  hold(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Resolves once `count` image requests arrived in total. */
  async arrived(count: number): Promise<void> {
    while (this.served < count) {
      await new Promise<void>((resolve) => this.listeners.push(resolve));
    }
  }

  async serve(res: ServerResponse, path: string): Promise<void> {
    this.served += 1;
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    const index = this.bytesSent.push(0) - 1;
    const done = once(res, 'close');
    this.notify();
    try {
      await this.gate;
      if (this.latencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      }
      const body = this.size === undefined ? Buffer.from(FAKE_IMAGE_BYTES) : fakeImage(path, this.size);
      res.writeHead(200, {
        'content-type': 'image/jpeg',
        ...(this.omitLength ? {} : { 'content-length': body.length }),
      });
      for (let offset = 0; offset < body.length && !res.destroyed; offset += CHUNK) {
        const chunk = body.subarray(offset, offset + CHUNK);
        this.bytesSent[index] = (this.bytesSent[index] ?? 0) + chunk.length;
        if (!res.write(chunk)) {
          await Promise.race([once(res, 'drain'), done]);
        }
        if (this.chunkDelayMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, this.chunkDelayMs));
        }
      }
      res.end();
      await done;
    } finally {
      this.inFlight -= 1;
    }
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    listeners.forEach((listener) => listener());
  }
}
