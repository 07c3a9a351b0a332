import { Inject, Injectable } from '@nestjs/common';
import type { Artist, Release, Track } from '@app/providers';
import { Answers, type Answer } from '@app/core';
import { catalogSettings, catalogTtls, type CatalogSettings } from '../catalog.settings';
import {
  entityKey,
  formatCatalogId,
  parseCatalogId,
  parseIsrc,
  splitNamespacedId,
  type CatalogId,
  type EntityKind,
} from '../domain/catalog-id';
import { EntityRepository, type AlbumView } from '../persistence/entity.repository';
import { BarcodeRepository } from '../persistence/barcode.repository';
import { ReadThrough, type ReadSpec } from './read-through.service';
import { ProviderGateway } from './provider.gateway';
import { CodeFallthroughService } from './code-fallthrough.service';
import { Gtin } from '../domain/gtin';
import { urlRelReferences, type LinkedKind } from '../domain/identity';
import { IdentityService, type Identified } from './identity.service';
import { ArtistImagesService } from './artist-images.service';

/** The release that stands for an album: an official one with the earliest date, else the first. */
export function representativeRelease(releases: Release[]): Release | undefined {
  const official = releases.filter((r) => (r.status ?? '').toLowerCase() === 'official');
  const pool = official.length > 0 ? official : releases;
  return [...pool].sort((a, b) => (a.date || '9999').localeCompare(b.date || '9999'))[0];
}

function tracksOf(release: Release | undefined): Track[] {
  return (release?.media ?? []).flatMap((medium) =>
    medium.tracks.map((track, index) => ({
      ...track,
      discNumber: medium.position,
      position: track.position ?? index + 1,
    })),
  );
}

/** The provider an entity came from is its id's namespace, also for one read back from the catalog. */
function withSource<T extends { id: string }>(value: T): T & { source: string } {
  // Object.assign, not `{ ...value, source }`: on Node 20 a spread literal that adds a key its source lacks takes
  // V8's slow path, ~5 µs against ~0.5-1 µs (microbenchmark), on every lookup by ISRC or barcode.
  return Object.assign({}, value, { source: splitNamespacedId(value.id).provider });
}

export { entityKey } from '../domain/catalog-id';

/** Lookups by id, ISRC and barcode, each through the read path. */
@Injectable()
export class LookupService {
  constructor(
    private readonly readThrough: ReadThrough,
    private readonly entities: EntityRepository,
    private readonly barcodes: BarcodeRepository,
    private readonly providers: ProviderGateway,
    private readonly codes: CodeFallthroughService,
    private readonly identity: IdentityService,
    private readonly artistImages: ArtistImagesService,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {}

  /** Entity answers carry every platform id the catalog knows the entity by (IdentityService). */
  getArtist(rawId: string): Promise<Answer<Artist>> {
    return this.readThrough.read(this.artistSpec(parseCatalogId(rawId, 'artist')));
  }

  getTrack(rawId: string): Promise<Answer<Track>> {
    return this.readThrough.read(this.trackSpec(parseCatalogId(rawId, 'track')));
  }

  getRelease(rawId: string): Promise<Answer<Release>> {
    const id = parseCatalogId(rawId, 'release');
    return this.readThrough.read(
      this.entitySpec('release', formatCatalogId(id), {
        fetch: () => this.providers.getRelease(id.nativeId),
        save: (release, expiresAt) => this.entities.saveRelease(release, expiresAt),
      }),
    );
  }

  getAlbum(rawId: string): Promise<Answer<AlbumView>> {
    return this.readThrough.read(this.albumSpec(parseCatalogId(rawId, 'album')));
  }

  /** The read of one artist as its single lookup makes it; batch lookups take the same one. */
  /**
   * A MusicBrainz artist has no pictures of its own: they come from its linked Deezer or Spotify artist. When
   * that platform fails the artist is answered without them and not kept, so the next question tries again.
   */
  artistSpec(id: CatalogId): ReadSpec<Artist> {
    let complete = true;
    return this.linkedSpec('artist', formatCatalogId(id), {
      fetch: async () => {
        const artist = await this.providers.source(id.provider).getArtist(id.nativeId);
        const pictured = await this.artistImages.withImages(artist);
        complete = pictured.complete;
        return pictured.artist;
      },
      keep: () => complete,
      save: async (artist, expiresAt) => {
        await this.entities.saveArtist(artist, expiresAt);
        await this.forgetLinked('artist', artist);
      },
    });
  }

  trackSpec(id: CatalogId): ReadSpec<Track> {
    return this.linkedSpec('track', formatCatalogId(id), {
      fetch: () => this.providers.source(id.provider).getTrack(id.nativeId),
      save: async (track, expiresAt) => {
        await this.entities.saveTrack(track, expiresAt);
        await this.forgetLinked('track', track);
      },
    });
  }

  /** The entities a new row's URL relations name now belong to its cluster: their cached clusters go. */
  private async forgetLinked(kind: LinkedKind, entity: Artist | Track | AlbumView): Promise<void> {
    const linked = urlRelReferences(kind, entity.id, entity.urls).map((r) => r.id);
    if (linked.length > 0) {
      await this.identity.forget(kind, linked);
    }
  }

  albumSpec(id: CatalogId): ReadSpec<AlbumView> {
    let representative: Release | undefined;
    return this.linkedSpec('album', formatCatalogId(id), {
      fetch: async () => {
        const album = await this.providers.source(id.provider).getAlbum(id.nativeId);
        representative = representativeRelease(album.releases);
        if (representative && representative.media.length === 0 && id.provider === 'musicbrainz') {
          representative = await this.providers.getRelease(splitNamespacedId(representative.id).nativeId);
        }
        return { ...album, tracks: tracksOf(representative) };
      },
      save: async (album, expiresAt) => {
        await this.entities.saveAlbum(album, representative, expiresAt);
        await this.forgetLinked('album', album);
      },
    });
  }

  /** By ISRC through the providers in turn (CodeFallthroughService); `source` names the one that answered. */
  async getTrackByIsrc(raw: string): Promise<Answer<Track & { source: string }>> {
    const isrc = parseIsrc(raw);
    const answer = await this.readThrough.read<Track>({
      ...this.ttls(),
      key: `isrc:${isrc}`,
      load: async () => (await this.entities.findTracksByIsrc(isrc))[0],
      fetch: async () => {
        const { value } = await this.codes.trackByIsrc(isrc);
        return { ...value, isrcs: [...new Set([...value.isrcs, isrc])] };
      },
      save: (track, expiresAt) => this.entities.saveTrack(track, expiresAt),
    });
    return Answers.map(answer, withSource);
  }

  /**
   * By GTIN: its 12-, 13- and 14-digit spellings are one question (one key, one stored link), and a wrong
   * check digit is refused before anything is asked or stored.
   */
  async getAlbumByBarcode(raw: string): Promise<Answer<AlbumView & { source: string }>> {
    const gtin = Gtin.parse(raw);
    const answer = await this.readThrough.read<AlbumView>({
      ...this.ttls(),
      key: `barcode:${gtin.key}`,
      load: () => this.barcodes.findAlbum<AlbumView>(gtin.forms()),
      fetch: async () => (await this.codes.albumByBarcode(gtin, async (id) => (await this.getAlbum(id)).value)).value,
      save: (album) => this.barcodes.link(gtin.key, album.id),
    });
    return Answers.map(answer, withSource);
  }

  /**
   * Built field by field, one object shape for every kind: a warm lookup builds one per request, and spreading
   * specs of different shapes into each other (twice, with the TTLs read twice) was 3.4% of the busy CPU of an
   * uncached lookup in a V8 profile (self time of entitySpec + linkedSpec), below 0.1% when built like this.
   */
  private entitySpec<T>(
    kind: EntityKind,
    publicId: string,
    spec: Pick<ReadSpec<T>, 'fetch' | 'save' | 'keep'>,
  ): ReadSpec<T> {
    const key = entityKey(kind, publicId);
    const ttls = catalogTtls(this.settings);
    return {
      key,
      ttlSeconds: ttls.entity,
      notFoundTtlSeconds: ttls.notFound,
      load: () => this.entities.findByPublicId<T>(kind, publicId, key),
      loadSeesMisses: true,
      fetch: spec.fetch,
      keep: spec.keep,
      save: spec.save,
    };
  }

  /**
   * An artist, album or track read with its cross-references: the stored row comes with them (one query, kept in
   * the caches with the entity); a fetched one is given them after the provider call, and saved without them.
   */
  private linkedSpec<T extends Identified>(
    kind: LinkedKind,
    publicId: string,
    spec: Pick<ReadSpec<T>, 'fetch' | 'save' | 'keep'>,
  ): ReadSpec<T> {
    let raw: T | undefined;
    const key = entityKey(kind, publicId);
    const ttls = catalogTtls(this.settings);
    return {
      key,
      ttlSeconds: ttls.entity,
      notFoundTtlSeconds: ttls.notFound,
      load: () =>
        this.entities.findByPublicId<T>(kind, publicId, key, (value, kept) => this.identity.enrich(kind, value, kept)),
      loadSeesMisses: true,
      fetch: async () => {
        // The cluster is read while the provider answers, not after it: one PostgreSQL round trip less between
        // the provider's answer and ours. An entity that comes back under another id is read again.
        const kept = this.identity.clusterOf(kind, publicId);
        raw = await spec.fetch();
        return this.identity.identifyFetched(kind, raw, raw.id === publicId ? kept : undefined);
      },
      keep: spec.keep,
      save: (value, expiresAt) => spec.save(raw ?? value, expiresAt),
    };
  }

  ttls(): { ttlSeconds: number; notFoundTtlSeconds: number } {
    const ttls = catalogTtls(this.settings);
    return { ttlSeconds: ttls.entity, notFoundTtlSeconds: ttls.notFound };
  }
}
