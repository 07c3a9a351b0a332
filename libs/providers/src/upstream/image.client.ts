import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import type { ProviderName } from '../domain/music.model';
import { ProviderRegistry } from '../application/provider.registry';
import { HttpClient } from './http.client';
import type { StreamedResponse } from './upstream.transport';

export type { StreamedResponse } from './upstream.transport';

/**
 * The hosts each provider serves images from, all over HTTPS. Cover Art Archive answers an image with a 307 to
 * archive.org, which sends it on to one of its `*.us.archive.org` nodes; Deezer's `api.deezer.com/.../image`
 * links redirect to dzcdn.net.
 */
const IMAGE_HOSTS: Readonly<Record<string, ProviderName>> = {
  'coverartarchive.org': 'coverartarchive',
  'archive.org': 'coverartarchive',
  'dzcdn.net': 'deezer',
  'mzstatic.com': 'itunes',
  'scdn.co': 'spotify',
  'spotifycdn.com': 'spotify',
};

/** archive.org hops twice (archive.org, then a storage node); one more for slack. */
const MAX_REDIRECTS = 3;

export interface ImageDownload<T> {
  url: string;
  /** Deadline of one attempt, body included. */
  timeoutMs: number;
  /** Reads the image body (streamed); throws to refuse it. */
  consume: (response: StreamedResponse) => Promise<T>;
}

/**
 * Downloads provider images through the providers' HTTP client (User-Agent, rate limit, breaker, metrics and
 * status of the provider whose host serves the image). Image URLs come from provider answers, never from a
 * caller, and every hop must stay on a provider image host or a configured provider base URL, so the relay
 * cannot be pointed at other hosts. Plain-http links to the real image hosts (old Cover Art Archive answers)
 * are asked over https.
 */
@Injectable()
export class ImageClient {
  constructor(
    private readonly http: HttpClient,
    private readonly registry: ProviderRegistry,
  ) {}

  /** The provider that serves this image URL, or undefined when it is no provider's. */
  providerOf(url: URL): ProviderName | undefined {
    const href = url.href;
    const configured = this.registry.all().find((p) => href.startsWith(`${p.baseUrl}/`));
    if (configured) {
      return configured.name;
    }
    const suffix = Object.keys(IMAGE_HOSTS).find((s) => url.hostname === s || url.hostname.endsWith(`.${s}`));
    return suffix === undefined ? undefined : IMAGE_HOSTS[suffix];
  }

  /** The URL as it will be asked: https for the real image hosts; undefined when it may not be asked at all. */
  vetted(url: URL): URL | undefined {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return undefined;
    }
    const configured = this.registry.all().find((p) => new URL(p.baseUrl).host === url.host);
    if (!configured && !this.isImageHost(url)) {
      return undefined;
    }
    // A configured host is asked as configured (a plain-http stand-in stays http); the real hosts only over https.
    const upgraded = new URL(url.href);
    upgraded.protocol = configured ? new URL(configured.baseUrl).protocol : 'https:';
    return upgraded;
  }

  async download<T>(request: ImageDownload<T>): Promise<T> {
    const asked = new URL(request.url);
    const url = this.vetted(asked);
    const provider = url && this.providerOf(url);
    if (url === undefined || provider === undefined) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `refusing to fetch an image from ${asked.host}`);
    }
    return this.http.stream(provider, {
      url,
      accept: 'image/*',
      timeoutMs: request.timeoutMs,
      maxRedirects: MAX_REDIRECTS,
      redirect: (location) => this.vetted(location),
      consume: request.consume,
    });
  }

  private isImageHost(url: URL): boolean {
    return Object.keys(IMAGE_HOSTS).some((s) => url.hostname === s || url.hostname.endsWith(`.${s}`));
  }
}
