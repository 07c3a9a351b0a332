import { DomainError } from '@app/core';
import { Injectable } from '@nestjs/common';
import { HttpClient } from '../../upstream/http.client';
import type { Lyrics } from '../../domain/music.model';
import { JsonReader } from '../../upstream/json-reader';
import { namespaced, numericId, requiredText } from '../adapter.helpers';

export interface LyricsQuery {
  artist: string;
  track: string;
  album?: string;
  /** Track duration in milliseconds; LrcLib matches within ±2 s. */
  durationMs?: number;
}

export interface LyricsSearch {
  /** Free text over title, artist and album; or the fields below. */
  q?: string;
  track?: string;
  artist?: string;
  album?: string;
}

export function mapLyrics(r: JsonReader): Lyrics {
  const duration = r.optNum('duration');
  return {
    id: namespaced('lrclib', r.id('id')),
    trackName: r.str('trackName'),
    artistName: r.str('artistName'),
    albumName: r.optStr('albumName'),
    durationMs: duration === undefined ? undefined : Math.round(duration * 1000),
    instrumental: r.optBool('instrumental') ?? false,
    plainLyrics: r.optStr('plainLyrics'),
    syncedLyrics: r.optStr('syncedLyrics'),
  };
}

/** LrcLib: plain and synced (LRC) lyrics by signature (artist, title, album, duration), by id, or by search. */
@Injectable()
export class LrcLibAdapter {
  constructor(private readonly http: HttpClient) {}

  async getLyrics(query: LyricsQuery): Promise<Lyrics> {
    const duration = query.durationMs === undefined ? undefined : Math.round(query.durationMs / 1000);
    return await this.http.request('lrclib', {
      path: '/api/get',
      query: {
        artist_name: requiredText(query.artist, 'artist'),
        track_name: requiredText(query.track, 'track'),
        album_name: query.album,
        duration,
      },
      parse: (json) => mapLyrics(JsonReader.of(json)),
    });
  }

  async getLyricsById(id: string): Promise<Lyrics> {
    return await this.http.request('lrclib', {
      path: `/api/get/${numericId('lrclib', id)}`,
      parse: (json) => mapLyrics(JsonReader.of(json)),
    });
  }

  async searchLyrics(search: LyricsSearch): Promise<Lyrics[]> {
    const query = { q: search.q, track_name: search.track, artist_name: search.artist, album_name: search.album };
    if (!query.q?.trim() && !query.track_name?.trim()) {
      throw DomainError.invalid('q', 'give a query or a track name');
    }
    return await this.http.request('lrclib', {
      path: '/api/search',
      query,
      parse: (json) => JsonReader.list(json).map(mapLyrics),
    });
  }
}
