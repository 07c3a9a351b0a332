import { Inject, Injectable } from '@nestjs/common';
import { LrcLibAdapter, type Lyrics } from '@app/providers';
import { Answers, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { LookupService } from './lookup.service';
import { AnswerRepository } from '../persistence/answer.repository';
import { ReadThrough } from './read-through.service';
import { creditLine } from '../domain/search-merge';

/** LrcLib's answer keyed by the Chorus track it was matched for. */
export type TrackLyrics = Omit<Lyrics, 'id'> & { trackId: string };

/** Lyrics from LrcLib, matched by the track's artist, title, album and duration. */
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
      key: `lyrics:${track.id}`,
      ttlSeconds: catalogTtls(this.settings).lyrics,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.answers.findLyrics<TrackLyrics>(track.id),
      fetch: async () =>
        this.toView(
          track.id,
          await this.lrclib.getLyrics({
            artist: creditLine(track.artistCredit),
            track: track.title,
            album: track.albumTitle,
            durationMs: track.durationMs,
          }),
        ),
      save: (lyrics, expiresAt) => this.answers.saveLyrics(track.id, lyrics, expiresAt),
    });
    return Answers.combine(answer.value, [trackAnswer, answer]);
  }

  private toView(trackId: string, lyrics: Lyrics): TrackLyrics {
    const { id: _lrclibId, ...rest } = lyrics;
    return { trackId, ...rest };
  }
}
