import { Inject, Injectable } from '@nestjs/common';
import { GeniusAdapter, type GeniusAnnotation, type GeniusSong, type Track } from '@app/providers';
import { Answers, DomainError, ErrorCode, type Answer, type SourceFailure } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { bestGeniusMatch } from '../domain/genius-match';
import { ExtrasRepository } from '../persistence/extras.repository';
import { LookupService } from './lookup.service';
import { ReadThrough } from './read-through.service';

/** A track's Genius song page and the annotations on its lyrics (never the lyrics themselves). */
export interface TrackGenius {
  trackId: string;
  song: GeniusSong;
  annotations: GeniusAnnotation[];
}

interface KeptAnnotations {
  songId: string;
  items: GeniusAnnotation[];
}

const SONG_PART = 'genius-song';
const ANNOTATIONS_PART = 'genius-annotations';

/**
 * Genius, when GENIUS_ACCESS_TOKEN is set. The song (found by a search on "artist title", vetted by normalized
 * title and artist: domain/genius-match.ts) and its annotations are two answers, each kept in catalog_extras
 * under the track: no song is a remembered NOT_FOUND; Genius down while finding the song is UPSTREAM_UNAVAILABLE;
 * Genius down for the annotations only is the song with status PARTIAL, the annotations asked again next time.
 */
@Injectable()
export class GeniusService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly extras: ExtrasRepository,
    private readonly genius: GeniusAdapter,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  async getGenius(rawId: string): Promise<Answer<TrackGenius>> {
    if (!this.genius.enabled) {
      // As for a Spotify id when Spotify is not configured: the server cannot answer this question at all.
      throw new DomainError(ErrorCode.INVALID_ARGUMENT, 'genius is not enabled on this server (GENIUS_ACCESS_TOKEN)');
    }
    const trackAnswer = await this.lookups.getTrack(rawId);
    const track = trackAnswer.value;
    const song = await this.read<GeniusSong>(track.id, SONG_PART, () => this.findSong(track));
    try {
      const annotations = await this.read<KeptAnnotations>(track.id, ANNOTATIONS_PART, async () => ({
        songId: song.value.id,
        items: await this.genius.songAnnotations(song.value.id),
      }));
      const items = annotations.value.songId === song.value.id ? annotations.value.items : [];
      return Answers.combine({ trackId: track.id, song: song.value, annotations: items }, [
        trackAnswer,
        song,
        annotations,
      ]);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.RATE_LIMITED) {
        throw error;
      }
      const value = { trackId: track.id, song: song.value, annotations: [] };
      // A song Genius no longer lists referents for has none; any other failure is named and never kept.
      const failures = error instanceof DomainError && error.code === ErrorCode.NOT_FOUND ? [] : [failureOf(error)];
      return Answers.combine(value, [trackAnswer, song], failures);
    }
  }

  /** Admin purge: the track's song and annotations from the caches and remembered misses (rows go with extras). */
  async forget(trackId: string): Promise<void> {
    for (const part of [SONG_PART, ANNOTATIONS_PART]) {
      await this.readThrough.forget(`${part}:${trackId}`);
    }
  }

  private read<T>(trackId: string, part: string, fetch: () => Promise<T>): Promise<Answer<T>> {
    const ttls = catalogTtls(this.settings);
    return this.readThrough.read<T>({
      key: `${part}:${trackId}`,
      ttlSeconds: ttls.genius,
      notFoundTtlSeconds: ttls.notFound,
      load: () => this.extras.findPart<T>('track', trackId, part),
      fetch,
      save: (value, expiresAt) => this.extras.savePart('track', trackId, part, value, expiresAt),
    });
  }

  private async findSong(track: Track): Promise<GeniusSong> {
    const artistNames = track.artistCredit.map((credit) => credit.name);
    const hits = await this.genius.searchSongs(`${artistNames[0] ?? ''} ${track.title}`);
    const match = bestGeniusMatch(hits, { title: track.title, artistNames });
    if (!match) {
      throw DomainError.notFound(`Genius has no song for ${track.id}`);
    }
    return await this.genius.getSong(match.id);
  }
}

function failureOf(error: unknown): SourceFailure {
  const reason = error instanceof Error ? error.message : 'unexpected error';
  const code = error instanceof DomainError ? error.code : ErrorCode.INTERNAL;
  return { source: 'genius', code, reason: `annotations: ${reason}` };
}
