import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import { HttpClient, type QueryValue } from '../../upstream/http.client';
import { ProviderRegistry } from '../../application/provider.registry';
import type { GeniusAnnotation, GeniusSong, GeniusSongHit } from '../../domain/genius.model';
import { numericId, requiredText } from '../adapter.helpers';
import { mapAnnotations, mapSearchHits, mapSong } from './genius.mapper';

/** The most referents Genius answers in one page; a song's first page holds its most prominent annotations. */
export const GENIUS_REFERENTS_PAGE = 50;

const TOKEN_REJECTED = Symbol('token rejected');

/**
 * The official Genius API (api.genius.com) with the operator's client access token (GENIUS_ACCESS_TOKEN):
 * song search, song pages and their annotations, all as plain text. Lyrics are not in the API and are never
 * scraped. Disabled without the token (every call is UPSTREAM_UNAVAILABLE "disabled", as for Spotify).
 */
@Injectable()
export class GeniusAdapter {
  constructor(
    private readonly http: HttpClient,
    private readonly registry: ProviderRegistry,
  ) {}

  get enabled(): boolean {
    return this.registry.get('genius').enabled;
  }

  /** Songs matching free text ("artist title"), Genius's best first; its search is fuzzy, so callers vet them. */
  async searchSongs(query: string): Promise<GeniusSongHit[]> {
    return await this.call('/search', { q: requiredText(query, 'query') }, mapSearchHits);
  }

  async getSong(id: string): Promise<GeniusSong> {
    return await this.call(`/songs/${numericId('genius', id)}`, { text_format: 'plain' }, mapSong);
  }

  /** The annotations on the song's lyric fragments (its first page of referents). */
  async songAnnotations(songId: string): Promise<GeniusAnnotation[]> {
    const query = { song_id: numericId('genius', songId), text_format: 'plain', per_page: GENIUS_REFERENTS_PAGE };
    return await this.call('/referents', query, mapAnnotations);
  }

  private async call<T>(path: string, query: Record<string, QueryValue>, parse: (json: unknown) => T): Promise<T> {
    const token = this.registry.geniusToken;
    if (!token) {
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'genius is disabled (not configured)');
    }
    const result = await this.http.request<T | typeof TOKEN_REJECTED>('genius', {
      path,
      query,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      acceptStatuses: [401, 403],
      parse: (json, status) => (status === 401 || status === 403 ? TOKEN_REJECTED : parse(json)),
    });
    if (result === TOKEN_REJECTED) {
      // An operator's mistake, not the caller's: the token itself is never repeated.
      throw new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'genius rejected the access token (GENIUS_ACCESS_TOKEN)');
    }
    return result;
  }
}
