import { Inject, Injectable } from '@nestjs/common';
import { ProviderRegistry } from '@app/providers';
import { DomainError, ErrorCode } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';

export interface CoverImage {
  contentType: string;
  data: Buffer;
}

/** Image hosts of the providers; redirects are followed only within these (and the configured base URLs). */
const IMAGE_HOST_SUFFIXES = ['coverartarchive.org', 'archive.org', 'dzcdn.net', 'mzstatic.com', 'scdn.co'];
const MAX_REDIRECTS = 5;

/**
 * Fetches cover bytes for the relay. The URL comes from the catalog, never from the caller, and each hop of a
 * redirect chain must stay on a provider image host, so the relay cannot be turned against other hosts.
 */
@Injectable()
export class CoverImageFetcher {
  private readonly configuredHosts: Set<string>;

  constructor(
    registry: ProviderRegistry,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {
    this.configuredHosts = new Set(registry.all().map((provider) => new URL(provider.baseUrl).host));
  }

  /** Providers still hand out plain-http image links (old Cover Art Archive answers); ask their hosts over https. */
  private upgraded(url: URL): URL {
    if (url.protocol === 'http:' && !this.configuredHosts.has(url.host) && this.isImageHost(url)) {
      url.protocol = 'https:';
    }
    return url;
  }

  private isImageHost(url: URL): boolean {
    return IMAGE_HOST_SUFFIXES.some((s) => url.hostname === s || url.hostname.endsWith(`.${s}`));
  }

  allowed(url: URL): boolean {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return false;
    }
    if (this.configuredHosts.has(url.host)) {
      return true;
    }
    return url.protocol === 'https:' && this.isImageHost(url);
  }

  async fetch(rawUrl: string, maxBytes: number): Promise<CoverImage> {
    let url = this.upgraded(new URL(rawUrl));
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      if (!this.allowed(url)) {
        throw this.unavailable(`refusing to fetch from ${url.host}`);
      }
      const response = await fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.CATALOG_COVER_TIMEOUT_MS),
      }).catch((error: unknown) => {
        throw this.unavailable((error as Error).message);
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = this.upgraded(new URL(location, url));
        continue;
      }
      return this.read(response, maxBytes);
    }
    throw this.unavailable('too many redirects');
  }

  private unavailable(message: string): DomainError {
    return new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `cover image: ${message}`, {
      retryAfterSeconds: this.settings.CATALOG_UPSTREAM_RETRY_AFTER_SECONDS,
    });
  }

  private async read(response: Response, maxBytes: number): Promise<CoverImage> {
    if (response.status === 404) {
      throw DomainError.notFound('cover image not found');
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !contentType.startsWith('image/')) {
      throw this.unavailable(`unexpected answer ${response.status} ${contentType}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > maxBytes) {
        throw this.unavailable(`image larger than ${maxBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { contentType, data: Buffer.concat(chunks) };
  }
}
