import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import { HttpClient } from '../../upstream/http.client';
import { UpstreamFailure } from '../../upstream/upstream-failure';
import { ProviderRegistry } from '../../application/provider.registry';
import { Clock } from '@app/core';
import { JsonReader } from '../../upstream/json-reader';

/** Renewal starts this long before expiry (or at half the token's life, if shorter), so no call holds a dead token. */
const REFRESH_MARGIN_MS = 60_000;

interface CachedToken {
  value: string;
  renewAt: number;
}

/**
 * Spotify client-credentials token: fetched once, shared by concurrent callers, reused until shortly before
 * it expires (REFRESH_MARGIN_MS), and dropped when the API rejects it.
 */
@Injectable()
export class SpotifyTokenService {
  private cached?: CachedToken;
  private pending?: Promise<string>;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly http: HttpClient,
    private readonly clock: Clock,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.clock.nowMs() < this.cached.renewAt) {
      return this.cached.value;
    }
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(rejected: string): void {
    if (this.cached?.value === rejected) {
      this.cached = undefined;
    }
  }

  private async fetch(): Promise<string> {
    const credentials = this.registry.spotifyCredentials;
    if (!credentials) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'spotify is disabled (not configured)');
    }
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const requestedAt = this.clock.nowMs();
    const token = await this.http.request('spotify', {
      method: 'POST',
      baseUrl: this.registry.spotifyAccountsBaseUrl,
      path: '/api/token',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      idempotent: true,
      acceptStatuses: [400, 401],
      parse: (json, status) => {
        if (status === 400 || status === 401) {
          throw UpstreamFailure.status(401, undefined, 'client credentials rejected');
        }
        const r = JsonReader.of(json);
        return { value: r.str('access_token'), expiresInMs: (r.optNum('expires_in') ?? 3600) * 1000 };
      },
    });
    const margin = Math.min(REFRESH_MARGIN_MS, token.expiresInMs / 2);
    this.cached = { value: token.value, renewAt: requestedAt + token.expiresInMs - margin };
    return token.value;
  }
}
