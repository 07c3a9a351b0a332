import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ImageClient, type StreamedResponse } from '@app/providers';
import { DomainError, ErrorCode } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import { CoverFileStore, imageSubtype, type CoverEntry, type OpenCover } from '../persistence/cover-file.store';
import { DownloadSlots } from './download-slots';

interface Downloaded {
  tempPath: string;
  hash: string;
  contentType: string;
  size: number;
}

/** What a cover image is kept under: its source URL, hashed to a fixed-length file name part. */
export function coverKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32);
}

/**
 * Cover bytes for the relay, from the store when kept, else downloaded once: concurrent requests for one image
 * share one download (single flight), at most CATALOG_COVER_MAX_DOWNLOADS run at once, and the body is streamed
 * to a file with the byte cap counted as it arrives, so no image is ever held whole in memory.
 */
@Injectable()
export class CoverImageFetcher {
  readonly slots: DownloadSlots;
  private readonly inflight = new Map<string, Promise<CoverEntry>>();

  constructor(
    private readonly images: ImageClient,
    private readonly store: CoverFileStore,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {
    // Waiting longer than a quarter of what one download may take means the queue is not draining: better a
    // quick 503 with Retry-After than requests piling up behind slow image hosts.
    this.slots = new DownloadSlots(settings.CATALOG_COVER_MAX_DOWNLOADS, settings.CATALOG_COVER_TIMEOUT_MS / 4);
  }

  /** The image at `url`, opened for reading (the caller closes it). */
  async fetch(url: string): Promise<OpenCover> {
    const key = coverKey(url);
    const kept = this.store.get(key);
    const opened = kept && (await this.store.open(kept));
    if (opened) {
      return opened;
    }
    const entry = await this.once(key, url);
    const fresh = await this.store.open(entry);
    if (!fresh) {
      throw this.unavailable('the image was evicted before it could be sent', this.settings.CATALOG_COVER_TIMEOUT_MS);
    }
    return fresh;
  }

  private once(key: string, url: string): Promise<CoverEntry> {
    let running = this.inflight.get(key);
    if (!running) {
      running = this.download(key, url).finally(() => this.inflight.delete(key));
      this.inflight.set(key, running);
    }
    return running;
  }

  private async download(key: string, url: string): Promise<CoverEntry> {
    const release = await this.slots.acquire();
    let file: Downloaded;
    try {
      file = await this.images.download({
        url,
        timeoutMs: this.settings.CATALOG_COVER_TIMEOUT_MS,
        consume: (response) => this.toFile(response),
      });
    } finally {
      release();
    }
    return this.store.commit(key, file.tempPath, file.hash, file.contentType, file.size);
  }

  /** Streams the body into a temporary file, hashing it and refusing it past the byte cap. */
  private async toFile(response: StreamedResponse): Promise<Downloaded> {
    const contentType = String(response.headers['content-type'] ?? '');
    if (imageSubtype(contentType) === undefined) {
      throw this.unavailable(`the image host answered ${contentType || 'no content type'}, not an image`);
    }
    const maxBytes = this.settings.CATALOG_COVER_MAX_BYTES;
    if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
      throw this.tooLarge(maxBytes);
    }
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        size += chunk.length;
        if (size > maxBytes) {
          done(this.tooLarge(maxBytes));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const tempPath = await this.store.tempPath();
    try {
      await pipeline(response.body, counter, createWriteStream(tempPath));
    } catch (error) {
      await this.store.discard(tempPath);
      throw error;
    }
    return { tempPath, hash: hash.digest('hex'), contentType, size };
  }

  private tooLarge(maxBytes: number): DomainError {
    return new DomainError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `cover image: larger than the ${maxBytes}-byte cap (CATALOG_COVER_MAX_BYTES), not relayed`,
    );
  }

  private unavailable(message: string, retryAfterMs?: number): DomainError {
    const retryAfterSeconds = Math.ceil((retryAfterMs ?? 1000) / 1000);
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `cover image: ${message}`, { retryAfterSeconds });
  }
}
