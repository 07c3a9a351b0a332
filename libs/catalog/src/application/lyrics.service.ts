import { Inject, Injectable } from '@nestjs/common';
import { LrcLibAdapter, type Lyrics, type Track } from '@app/providers';
import { Answers, DomainError, ErrorCode, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { LookupService } from './lookup.service';
import { AnswerRepository } from '../persistence/answer.repository';
import { ReadThrough } from './read-through.service';
import { creditLine } from '../domain/search-merge';
import { bestLyricsMatch } from '../domain/lyrics-match';

/** LrcLib's answer keyed by the Chorus track it was matched for. */
export type TrackLyrics = Omit<Lyrics, 'id'> & { trackId: string };

/**
 * Lyrics from LrcLib: its exact signature (artist, title, album, duration) first; then without the album, since
 * a track's album title (for MusicBrainz, its first release's) often differs from LrcLib's; then LrcLib's search,
 * taking the best match by normalized artist and title within ±2 s (domain/lyrics-match.ts). Only when all
 * three answered "no" is the miss remembered; LrcLib being down is UPSTREAM_UNAVAILABLE, never a miss.
 */
@Injectable()
export class LyricsService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly answers: AnswerRepository,
    private readonly lrclib: LrcLibAdapter,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async getLyrics(rawId: string): Promise<Answer<TrackLyrics>> {
    const trackAnswer = await this.lookups.getTrack(rawId);
    const track = trackAnswer.value;
    const answer = await this.readThrough.read<TrackLyrics>({
      key: lyricsKey(track.id),
      ttlSeconds: catalogTtls(this.settings).lyrics,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.answers.findLyrics<TrackLyrics>(track.id),
      fetch: async () => this.toView(track.id, await this.find(track)),
      save: (lyrics, expiresAt) => this.answers.saveLyrics(track.id, lyrics, expiresAt),
    });
    return Answers.combine(answer.value, [trackAnswer, answer]);
  }

  /** Admin purge: the track's lyrics (or remembered "no lyrics") from PostgreSQL and every cache. */
  async forget(trackId: string): Promise<void> {
    // The row first: a read between the two steps would otherwise put it back in the cache.
    await this.readThrough.database(() => this.answers.deleteLyrics(trackId));
    await this.readThrough.forget(lyricsKey(trackId));
  }

  private async find(track: Track): Promise<Lyrics> {
    const signature = { artist: creditLine(track.artistCredit), track: track.title, durationMs: track.durationMs };
    if (track.albumTitle) {
      const exact = await unlessNotFound(this.lrclib.getLyrics({ ...signature, album: track.albumTitle }));
      if (exact) {
        return exact;
      }
    }
    const withoutAlbum = await unlessNotFound(this.lrclib.getLyrics(signature));
    if (withoutAlbum) {
      return withoutAlbum;
    }
    const primaryArtist = track.artistCredit[0]?.name;
    const candidates = await this.lrclib.searchLyrics({ track: track.title, artist: primaryArtist });
    const best = bestLyricsMatch(candidates, { ...signature, title: track.title, primaryArtist });
    if (!best) {
      throw DomainError.notFound(`LrcLib has no lyrics for ${track.id}`);
    }
    return best;
  }

  private toView(trackId: string, lyrics: Lyrics): TrackLyrics {
    const { id: _lrclibId, ...rest } = lyrics;
    return { trackId, ...rest };
  }
}

function lyricsKey(trackId: string): string {
  return `lyrics:${trackId}`;
}

/** A provider's "not found" as undefined, so the next way of asking is tried; every other failure stands. */
async function unlessNotFound<T>(answer: Promise<T>): Promise<T | undefined> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
      return undefined;
    }
    throw error;
  }
}
