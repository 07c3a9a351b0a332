import { Inject, Injectable } from '@nestjs/common';
import type { Track } from '@app/providers';
import { Answers, DomainError, ErrorCode, rateLimitedAmong, type Answer, type SourceFailure } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { parseCatalogId, splitNamespacedId } from '../domain/catalog-id';
import { mergeTopTracks } from '../domain/similar-tracks';
import { SearchRepository, type StoredSearch } from '../persistence/search.repository';
import { LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';
import { ReadThrough } from './read-through.service';
import { SimilarArtistsService } from './similar-artists.service';

/** How many related artists lend their top tracks, and how many each: at most 50 similar tracks. */
export const SIMILAR_TRACK_ARTISTS = 10;
export const TOP_TRACKS_PER_ARTIST = 5;

/** How a Deezer artist's kept top tracks are filed in catalog_searches (by `deezer:<id>`). */
const ARTIST_TOP_TYPE = 'artist-top';

export interface SimilarTracksPage {
  trackId: string;
  /** The track's first credited artist, whose related artists the tracks come from. */
  artistId: string;
  deezerArtistId: string;
  items: Track[];
  total: number;
  limit: number;
  offset: number;
}

function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.NOT_FOUND;
}

/** A credit's artist id that the catalog can look up (Deezer credits may lack one). */
function lookupable(id: string | undefined): string | undefined {
  if (!id) {
    return undefined;
  }
  try {
    parseCatalogId(id, 'artist');
    return id;
  } catch {
    return undefined;
  }
}

interface Gathered {
  lists: Track[][];
  parts: Answer<unknown>[];
  failures: SourceFailure[];
}

/** Similar tracks: the top tracks on Deezer of the related artists of the track's artist, one per recording. */
@Injectable()
export class SimilarTracksService {
  constructor(
    private readonly lookups: LookupService,
    private readonly similarArtists: SimilarArtistsService,
    private readonly readThrough: ReadThrough,
    private readonly searches: SearchRepository,
    private readonly providers: ProviderGateway,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  /**
   * Each related artist's top list is kept on its own, so the answer is built from kept parts. One that could
   * not be fetched is named in `failures` and makes the answer PARTIAL (never kept); when none could, the
   * provider's error is the answer.
   */
  async list(rawId: string, limit: number, offset: number): Promise<Answer<SimilarTracksPage>> {
    const track = await this.lookups.getTrack(rawId);
    const seedArtist = lookupable(track.value.artistCredit[0]?.artist.id);
    const page = { trackId: track.value.id, artistId: seedArtist ?? '', deezerArtistId: '', limit, offset };
    if (!seedArtist) {
      return Answers.combine({ ...page, items: [], total: 0 }, [track]);
    }
    const { artist, related } = await this.similarArtists.related(seedArtist);
    const sources = related.value.items.slice(0, SIMILAR_TRACK_ARTISTS).map((source) => source.id);
    const { lists, parts, failures } = await this.gather(sources);
    const items = mergeTopTracks(lists, track.value);
    const value = {
      ...page,
      artistId: artist.value.id,
      deezerArtistId: related.value.deezerArtistId ?? '',
      items: items.slice(offset, offset + limit),
      total: items.length,
    };
    return Answers.combine(value, [track, artist, related, ...parts], failures);
  }

  /** The top lists of the related artists, asked together; a Deezer "no data" is an empty list. */
  private async gather(artistIds: readonly string[]): Promise<Gathered> {
    const settled = await Promise.allSettled(artistIds.map((id) => this.topOf(id)));
    const limited = rateLimitedAmong(settled);
    if (limited) {
      throw limited;
    }
    const gathered: Gathered = { lists: [], parts: [], failures: [] };
    let firstError: Error | undefined;
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        gathered.parts.push(outcome.value);
        gathered.lists.push(outcome.value.value.items);
      } else if (!isNotFound(outcome.reason)) {
        firstError ??= outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
        gathered.failures.push(this.failureOf(artistIds[index] ?? '', outcome.reason));
      }
    });
    if (gathered.lists.length === 0 && firstError !== undefined) {
      throw firstError;
    }
    return gathered;
  }

  /** Admin purge: a Deezer artist's kept top tracks (the lists similar tracks are built from), everywhere. */
  async forgetTop(deezerArtistId: string): Promise<number> {
    const keys = await this.searches.deleteQuery(ARTIST_TOP_TYPE, deezerArtistId);
    for (const key of new Set([`deezer-top:${deezerArtistId}`, ...keys])) {
      await this.readThrough.forget(key);
    }
    return keys.length;
  }

  /** One Deezer artist's top tracks, kept like a search answer. */
  private topOf(deezerArtistId: string): Promise<Answer<StoredSearch<Track>>> {
    const key = `deezer-top:${deezerArtistId}`;
    const ttls = catalogTtls(this.settings);
    return this.readThrough.read<StoredSearch<Track>>({
      key,
      ttlSeconds: ttls.search,
      notFoundTtlSeconds: ttls.notFound,
      load: () => this.searches.find<StoredSearch<Track>>(key),
      fetch: async () => {
        const top = await this.providers.deezer.topTracks(
          splitNamespacedId(deezerArtistId).nativeId,
          TOP_TRACKS_PER_ARTIST,
        );
        return { items: top.items.slice(0, TOP_TRACKS_PER_ARTIST), total: top.total };
      },
      save: (value, expiresAt) =>
        this.searches.save(key, { type: ARTIST_TOP_TYPE, query: deezerArtistId, provider: 'deezer' }, value, expiresAt),
    });
  }

  private failureOf(artistId: string, error: unknown): SourceFailure {
    const reason = error instanceof Error ? error.message : 'unexpected error';
    const code = error instanceof DomainError ? error.code : ErrorCode.INTERNAL;
    return { source: 'deezer', code, reason: `top tracks of ${artistId}: ${reason}` };
  }
}
