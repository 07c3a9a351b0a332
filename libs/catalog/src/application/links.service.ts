import { Inject, Injectable } from '@nestjs/common';
import type { Track } from '@app/providers';
import { Answers, DomainError, ErrorCode, rateLimitedAmong, type Answer, type SourceFailure } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import { splitNamespacedId, type SourceProvider } from '../domain/catalog-id';
import { LookupService } from './lookup.service';
import { ProviderGateway } from './provider.gateway';
import { AnswerRepository, type LinkAnswer } from '../persistence/answer.repository';
import { EntityRepository } from '../persistence/entity.repository';
import { ReadThrough } from './read-through.service';
import { IdentityService } from './identity.service';
import { creditLine } from '../domain/search-merge';
import { MATCH_DURATION_TOLERANCE_MS, sameTrack } from '../domain/track-match';

export interface PlatformLink {
  platform: string;
  id: string;
  url?: string;
  previewUrl?: string;
  matchedBy: string;
}

export interface TrackLinks {
  trackId: string;
  isrcs: string[];
  links: PlatformLink[];
}

const PLATFORMS: readonly SourceProvider[] = ['musicbrainz', 'deezer', 'itunes', 'spotify'];

function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && error.code === ErrorCode.NOT_FOUND;
}

/** A platform that does not know the ISRC (MusicBrainz and Deezer answer 404) is asked by metadata next. */
async function orUndefined<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw error;
  }
}

function failureOf(platform: string, error: unknown): SourceFailure {
  if (error instanceof DomainError) {
    return { source: platform, code: error.code, reason: error.message };
  }
  return { source: platform, code: ErrorCode.INTERNAL, reason: 'unexpected error' };
}

/** Where a track lives on its own platform when the provider gave no link (MusicBrainz recordings). */
const OWN_URL: Partial<Record<SourceProvider, (nativeId: string) => string>> = {
  musicbrainz: (id) => `https://musicbrainz.org/recording/${id}`,
};

/** The same track on the other platforms: by ISRC first, then by title, artist and duration. */
@Injectable()
export class LinksService {
  constructor(
    private readonly lookups: LookupService,
    private readonly readThrough: ReadThrough,
    private readonly answers: AnswerRepository,
    private readonly entities: EntityRepository,
    private readonly providers: ProviderGateway,
    private readonly identity: IdentityService,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  /**
   * Each platform is asked on its own: one that does not know the track is absent, one that is down is named in
   * `failures` and makes the answer PARTIAL (never kept). The track's own platform is always linked.
   */
  async getLinks(rawId: string): Promise<Answer<TrackLinks>> {
    const trackAnswer = await this.lookups.getTrack(rawId);
    const track = trackAnswer.value;
    const own = splitNamespacedId(track.id).provider;
    const platforms = PLATFORMS.filter((p) => p !== own && this.providers.isEnabled(p));
    const settled = await Promise.allSettled(platforms.map((platform) => this.linkOn(track, platform)));
    const limited = rateLimitedAmong(settled);
    if (limited) {
      throw limited;
    }
    const links: PlatformLink[] = [this.toLink(own, track, 'source')];
    const answered: Answer<LinkAnswer>[] = [];
    const failures: SourceFailure[] = [];
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        answered.push(outcome.value);
        const { track: match, matchedBy } = outcome.value.value;
        links.push(...(match ? [this.toLink(platforms[index], match, matchedBy ?? 'isrc')] : []));
      } else if (!isNotFound(outcome.reason)) {
        failures.push(failureOf(platforms[index], outcome.reason));
      }
    });
    return Answers.combine({ trackId: track.id, isrcs: track.isrcs, links }, [trackAnswer, ...answered], failures);
  }

  private linkOn(track: Track, platform: SourceProvider) {
    return this.readThrough.read<LinkAnswer>({
      key: `links:${track.id}:${platform}`,
      ttlSeconds: catalogTtls(this.settings).links,
      notFoundTtlSeconds: catalogTtls(this.settings).notFound,
      load: () => this.answers.findLink(track.id, platform),
      fetch: () => this.match(track, platform),
      save: async (answer, expiresAt) => {
        await this.entities.saveLink(track.id, platform, answer, expiresAt);
        await this.identity.forget('track', [track.id, ...(answer.track ? [answer.track.id] : [])]);
      },
    });
  }

  private async match(track: Track, platform: SourceProvider): Promise<LinkAnswer> {
    for (const isrc of track.isrcs) {
      const found = await this.byIsrc(platform, isrc);
      if (found) {
        return { track: { ...found, isrcs: [...new Set([...found.isrcs, isrc])] }, matchedBy: 'isrc' };
      }
    }
    const tolerance = MATCH_DURATION_TOLERANCE_MS;
    const page = await this.providers.search(platform, 'track', this.metadataQuery(track, platform), 10, 0);
    const found = (page.items as Track[]).find((candidate) => sameTrack(track, candidate, tolerance));
    return found ? { track: found, matchedBy: 'metadata' } : {};
  }

  private async byIsrc(platform: SourceProvider, isrc: string): Promise<Track | undefined> {
    switch (platform) {
      case 'deezer':
        return orUndefined(this.providers.deezer.trackByIsrc(isrc));
      case 'spotify':
        return (await this.providers.spotify.tracksByIsrc(isrc)).find((t) => t.isrcs.includes(isrc));
      case 'musicbrainz':
        return (await orUndefined(this.providers.musicbrainz.tracksByIsrc(isrc)))?.[0];
      case 'itunes':
        return undefined;
    }
  }

  private metadataQuery(track: Track, platform: SourceProvider): string {
    const artist = creditLine(track.artistCredit);
    switch (platform) {
      case 'musicbrainz':
        return `recording:"${track.title.replaceAll('"', '')}" AND artist:"${artist.replaceAll('"', '')}"`;
      case 'deezer':
        return `artist:"${artist}" track:"${track.title}"`;
      case 'spotify':
        return `track:${track.title} artist:${artist}`;
      case 'itunes':
        return `${artist} ${track.title}`;
    }
  }

  private toLink(platform: SourceProvider, track: Track, matchedBy: string): PlatformLink {
    const own = OWN_URL[platform]?.(splitNamespacedId(track.id).nativeId);
    const url = track.urls.find((u) => u.type === platform)?.url ?? own ?? track.urls[0]?.url;
    return { platform, id: track.id, url, previewUrl: track.previewUrl, matchedBy };
  }
}
