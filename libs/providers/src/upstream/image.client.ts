import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import type { ProviderName } from '../domain/music.model';
import { ProviderRegistry } from '../application/provider.registry';
import { HttpClient } from './http.client';
import { redirectRefusal } from './redirect-policy';
import type { StreamedResponse } from './upstream.transport';

export type { StreamedResponse } from './upstream.transport';

/**
 * The hosts each provider serves images from, all over HTTPS. Cover Art Archive answers an image with a 307 to
 * archive.org, which sends it on to one of its `*.us.archive.org` nodes; Deezer's `api.deezer.com/.../image`
 * links redirect to dzcdn.net; Wikimedia Commons' `Special:FilePath` (Wikidata's images) to upload.wikimedia.org.
 */
const IMAGE_HOSTS: Readonly<Record<string, ProviderName>> = {
  'coverartarchive.org': 'coverartarchive',
  'archive.org': 'coverartarchive',
  'dzcdn.net': 'deezer',
  'mzstatic.com': 'itunes',
  'scdn.co': 'spotify',
  'spotifycdn.com': 'spotify',
  'commons.wikimedia.org': 'wikidata',
  'upload.wikimedia.org': 'wikidata',
};

interface ImageBase {
  name: ProviderName;
  baseUrl: string;
}

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
 * caller, and every hop must stay on the image hosts or configured base URLs of the provider whose image it is
 * (never another provider's, never a private address other than a configured one), so the relay cannot be
 * pointed at other hosts. Plain-http links to the real image hosts (old Cover Art Archive answers) are asked
 * over https.
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
    const configured = this.bases().find((p) => href.startsWith(`${p.baseUrl}/`));
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
    const configured = this.bases().find((p) => new URL(p.baseUrl).host === url.host);
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
      redirect: (location) => this.redirectTarget(provider, url, location),
      consume: request.consume,
    });
  }

  /**
   * Where a hop of this provider's image may lead: the location as it will be asked, when it stays on the
   * provider's own configured hosts or image hosts; undefined otherwise.
   */
  redirectTarget(provider: ProviderName, from: URL, location: URL): URL | undefined {
    const to = this.vetted(location);
    if (to === undefined) {
      return undefined;
    }
    const ownHosts = this.bases()
      .filter((base) => base.name === provider)
      .map((base) => new URL(base.baseUrl).host.toLowerCase());
    const knownHosts = Object.entries(IMAGE_HOSTS)
      .filter(([, owner]) => owner === provider)
      .flatMap(([host]) => [host, `.${host}`]);
    return redirectRefusal(from, to, { ownHosts, knownHosts }) === undefined ? to : undefined;
  }

  /** Every configured provider base URL, and Commons (where Wikidata's images are). */
  private bases(): ImageBase[] {
    return [...this.registry.all(), { name: 'wikidata', baseUrl: this.registry.commonsBaseUrl }];
  }

  private isImageHost(url: URL): boolean {
    return Object.keys(IMAGE_HOSTS).some((s) => url.hostname === s || url.hostname.endsWith(`.${s}`));
  }
}
