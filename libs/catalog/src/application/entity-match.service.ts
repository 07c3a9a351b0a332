import { Injectable } from '@nestjs/common';
import type { Album, Artist, ExternalReference } from '@app/providers';
import { DomainError, ErrorCode } from '@app/core';
import { splitNamespacedId, type SourceProvider } from '../domain/catalog-id';
import { CONFIDENCE, platformPage, urlRelReferences } from '../domain/identity';
import { normalizeText } from '../domain/text';
import { CrossRefRepository, type CrossRefAnswer } from '../persistence/cross-ref.repository';
import type { AlbumView } from '../persistence/entity.repository';
import { ProviderGateway } from './provider.gateway';

export type LinkableEntity = { kind: 'artist'; entity: Artist } | { kind: 'album'; entity: AlbumView };

/** How many same-named candidates of one platform are checked for corroborating evidence. */
const MAX_CANDIDATES = 3;

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
    return undefined;
  }
  throw error;
}

function digits(code: string | undefined): string {
  return (code ?? '').replace(/^0+/, '');
}

function barcodesOf(album: AlbumView): string[] {
  const codes = [album.externalIds.barcode, ...album.releases.map((r) => r.barcode)];
  return [...new Set(codes.filter((c): c is string => typeof c === 'string' && /^\d{8,14}$/.test(c)))].slice(0, 2);
}

function reference(
  found: { id: string; urls: Album['urls'] },
  kind: 'artist' | 'album',
  matchedBy: keyof typeof CONFIDENCE,
  evidence: string[],
): CrossRefAnswer {
  const { provider, nativeId } = splitNamespacedId(found.id);
  const url = found.urls.find((u) => u.type === provider)?.url ?? platformPage(provider, kind, nativeId);
  return {
    reference: { platform: provider, id: found.id, url, matchedBy, confidence: CONFIDENCE[matchedBy], evidence },
  };
}

/**
 * Finds an artist or album on one platform, strongest evidence first: a MusicBrainz URL relation (its own or
 * one pointing at it), a shared UPC (albums), then the same name, which counts only with corroborating evidence
 * (artists: an ISRC or UPC their tracks or albums share in the catalog; albums: an artist already linked), so
 * two bands called Nirvana stay two.
 */
@Injectable()
export class EntityMatchService {
  constructor(
    private readonly providers: ProviderGateway,
    private readonly crossRefs: CrossRefRepository,
  ) {}

  async match(target: LinkableEntity, platform: SourceProvider): Promise<CrossRefAnswer> {
    const { kind, entity } = target;
    const byUrl = urlRelReferences(kind, entity.id, entity.urls).find((r) => r.platform === platform);
    if (byUrl) {
      return { reference: byUrl };
    }
    const kept = await this.fromCluster(kind, entity.id, platform);
    if (kept) {
      return { reference: kept };
    }
    if (target.kind === 'album') {
      return (await this.byUpc(target.entity, platform)) ?? (await this.albumByName(target.entity, platform));
    }
    return this.artistByName(target.entity, platform);
  }

  /** A reference another entity of the cluster holds (the MusicBrainz artist whose URL relation names this one). */
  private async fromCluster(kind: 'artist' | 'album', id: string, platform: string) {
    const cluster = await this.crossRefs.cluster(kind, id);
    for (const { owner, reference } of cluster) {
      if (owner !== id && splitNamespacedId(owner).provider === platform && reference.id === id) {
        return { ...reference, platform, id: owner, url: undefined } satisfies ExternalReference;
      }
      if (owner !== id && reference.platform === platform) {
        return reference;
      }
    }
    return undefined;
  }

  private async byUpc(album: AlbumView, platform: SourceProvider): Promise<CrossRefAnswer | undefined> {
    for (const code of barcodesOf(album)) {
      const found = await this.albumByUpc(platform, code).catch(notFoundAsUndefined);
      if (found) {
        return reference(found, 'album', 'upc', [`UPC ${code}`]);
      }
    }
    return undefined;
  }

  private async albumByUpc(
    platform: SourceProvider,
    code: string,
  ): Promise<{ id: string; urls: Album['urls'] } | undefined> {
    const carries = (a: Album) =>
      digits(a.externalIds.barcode) === digits(code) || a.releases.some((r) => digits(r.barcode) === digits(code));
    switch (platform) {
      case 'deezer':
        return [await this.providers.deezer.albumByUpc(code)].find(carries);
      case 'itunes':
        return [await this.providers.itunes.albumByUpc(code)].find(carries);
      case 'spotify': {
        const hit = (await this.providers.spotify.searchAlbums(`upc:${code}`, { limit: 1 })).items[0];
        return hit && [await this.providers.spotify.getAlbum(hit.id)].find(carries);
      }
      case 'musicbrainz': {
        const releases = await this.providers.musicbrainz.releasesByBarcode(code);
        const release = releases.find((r) => digits(r.barcode) === digits(code) && r.albumId);
        return release?.albumId ? { id: release.albumId, urls: [] } : undefined;
      }
    }
  }

  private async artistByName(artist: Artist, platform: SourceProvider): Promise<CrossRefAnswer> {
    const page = await this.providers.search(platform, 'artist', artist.name, 10, 0);
    const name = normalizeText(artist.name);
    const same = (page.items as Artist[]).filter((c) => normalizeText(c.name) === name).slice(0, MAX_CANDIDATES);
    for (const candidate of same) {
      if (await this.claimedByAnother('artist', candidate.id, artist.id)) {
        continue;
      }
      const shared = await this.crossRefs.sharedCodes(artist.id, candidate.id);
      if (shared.length > 0) {
        const evidence = [`same name "${candidate.name}"`, ...shared.map((code) => `shared ${code}`)];
        return reference(candidate, 'artist', 'name', evidence);
      }
    }
    return {};
  }

  private async albumByName(album: AlbumView, platform: SourceProvider): Promise<CrossRefAnswer> {
    const artistId = album.artistCredit[0]?.artist.id;
    if (!artistId) {
      return {};
    }
    const page = await this.providers.search(platform, 'album', album.title, 10, 0);
    const title = normalizeText(album.title);
    const same = (page.items as Album[]).filter((c) => normalizeText(c.title) === title).slice(0, MAX_CANDIDATES);
    const linkedArtists = await this.crossRefs.cluster('artist', artistId);
    for (const candidate of same) {
      if (await this.claimedByAnother('album', candidate.id, album.id)) {
        continue;
      }
      const candidateArtist = candidate.artistCredit[0]?.artist.id;
      const link = linkedArtists.find(
        (k) =>
          candidateArtist &&
          (k.reference.id === candidateArtist || (k.owner === candidateArtist && k.reference.id === artistId)),
      );
      if (link) {
        const evidence = [
          `same title "${candidate.title}"`,
          `artist ${candidateArtist} is ${artistId} (${link.reference.matchedBy})`,
        ];
        return reference(candidate, 'album', 'name', evidence);
      }
    }
    return {};
  }

  /**
   * A candidate that another entity's MusicBrainz URL relation names is that entity's: a streaming platform
   * that files two same-named bands under one page can make them share codes, but never this.
   */
  private async claimedByAnother(kind: 'artist' | 'album', candidateId: string, selfId: string): Promise<boolean> {
    const claimants = await this.crossRefs.claimants(kind, candidateId);
    return claimants.some((owner) => owner !== selfId);
  }
}
