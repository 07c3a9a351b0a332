import { Injectable } from '@nestjs/common';
import type { Album, Track } from '@app/providers';
import { DomainError, ErrorCode } from '@app/core';
import { fallThrough, type FallThroughStep, type FoundBy } from '../domain/fall-through';
import type { Gtin } from '../domain/gtin';
import type { AlbumView } from '../persistence/entity.repository';
import { ProviderGateway } from './provider.gateway';

/** Reads an album by its public id through the catalog's read path (LookupService.getAlbum). */
export type AlbumReader = (id: string) => Promise<AlbumView>;

function carrying(isrc: string) {
  return (track: Track): boolean => track.isrcs.includes(isrc);
}

/** The first answer of `ask` over each spelling of the code that is not undefined. */
async function firstOf<T>(forms: readonly string[], ask: (form: string) => Promise<T | undefined>) {
  for (const form of forms) {
    const found = await ask(form).catch(notFoundAsUndefined);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
    return undefined;
  }
  throw error;
}

/**
 * Lookups by code that fall through the providers in order until one knows the code (DESIGN.md). A provider's
 * answer counts only when it carries the code asked: a search hit with another ISRC or barcode is no answer.
 * iTunes is not asked for ISRCs: its Search API has no lookup by ISRC.
 */
@Injectable()
export class CodeFallthroughService {
  constructor(private readonly providers: ProviderGateway) {}

  /** MusicBrainz → Deezer → Spotify (when enabled). */
  trackByIsrc(isrc: string): Promise<FoundBy<Track>> {
    const steps: FallThroughStep<Track>[] = [
      {
        source: 'musicbrainz',
        ask: async () => (await this.providers.musicbrainz.tracksByIsrc(isrc)).find(carrying(isrc)),
      },
      { source: 'deezer', ask: async () => [await this.providers.deezer.trackByIsrc(isrc)].find(carrying(isrc)) },
    ];
    if (this.providers.isEnabled('spotify')) {
      steps.push({
        source: 'spotify',
        ask: async () => (await this.providers.spotify.tracksByIsrc(isrc)).find(carrying(isrc)),
      });
    }
    return fallThrough(`ISRC ${isrc}`, steps);
  }

  /** MusicBrainz → Deezer (UPC) → iTunes (UPC) → Spotify (`upc:` search, when enabled). */
  albumByBarcode(gtin: Gtin, readAlbum: AlbumReader): Promise<FoundBy<AlbumView>> {
    // The spellings a provider can store: UPC-A and EAN-13 (a 14-digit form is never what they keep).
    const forms = gtin.forms().filter((form) => form.length < 14);
    const carries = (album: Album): boolean =>
      gtin.matches(album.externalIds.barcode) || album.releases.some((r) => gtin.matches(r.barcode));
    const platform = (ask: (form: string) => Promise<Album | undefined>) => async () => {
      const album = await firstOf(forms, async (form) => [await ask(form)].find((found) => found && carries(found)));
      return album && (await readAlbum(album.id));
    };
    const steps: FallThroughStep<AlbumView>[] = [
      { source: 'musicbrainz', ask: () => this.musicbrainzAlbum(gtin, forms, readAlbum) },
      { source: 'deezer', ask: platform((form) => this.providers.deezer.albumByUpc(form)) },
      { source: 'itunes', ask: platform((form) => this.providers.itunes.albumByUpc(form)) },
    ];
    if (this.providers.isEnabled('spotify')) {
      steps.push({ source: 'spotify', ask: platform((form) => this.spotifyAlbumByUpc(form)) });
    }
    return fallThrough(`barcode ${gtin.key}`, steps);
  }

  /**
   * MusicBrainz has no lookup by barcode, only a search: a hit counts only when the release carries the code,
   * and a release group that cannot be read is no answer (the next provider is asked).
   */
  private async musicbrainzAlbum(gtin: Gtin, forms: string[], readAlbum: AlbumReader): Promise<AlbumView | undefined> {
    const releases = await this.providers.musicbrainz.releasesByBarcode(...forms);
    const albumIds = [...new Set(releases.filter((r) => gtin.matches(r.barcode) && r.albumId).map((r) => r.albumId))];
    return firstOf(albumIds as string[], readAlbum);
  }

  /** Spotify's search hits are simplified albums without their UPC: the full album says whether it carries it. */
  private async spotifyAlbumByUpc(form: string): Promise<Album | undefined> {
    const page = await this.providers.spotify.searchAlbums(`upc:${form}`, { limit: 1 });
    const hit = page.items[0];
    return hit && (await this.providers.spotify.getAlbum(hit.id));
  }
}
