import { Injectable } from '@nestjs/common';
import type { Artist, Track } from '@app/providers';
import { LookupService } from './lookup.service';
import type { AlbumView } from '../persistence/entity.repository';
import { combineFreshness } from '../domain/freshness';
import type { Freshness } from './read-through.service';
import { LinksService, type PlatformLink } from './links.service';
import { parseMusicUrl } from '../domain/url-parser';

export interface Resolved {
  type: 'artist' | 'album' | 'track' | 'playlist';
  id: string;
  artist?: Artist;
  album?: AlbumView;
  track?: Track;
  links: PlatformLink[];
}

/** A MusicBrainz, Deezer, Apple Music/iTunes or Spotify link → the entity in Chorus's model. */
@Injectable()
export class ResolveService {
  constructor(
    private readonly lookups: LookupService,
    private readonly links: LinksService,
  ) {}

  async resolve(rawUrl: string): Promise<{ resolved: Resolved; freshness: Freshness }> {
    const parsed = parseMusicUrl(rawUrl);
    const id = `${parsed.provider}:${parsed.nativeId}`;
    switch (parsed.kind) {
      case 'artist': {
        const { value, freshness } = await this.lookups.getArtist(id);
        return { resolved: { type: 'artist', id: value.id, artist: value, links: [] }, freshness };
      }
      case 'album': {
        const { value, freshness } = await this.lookups.getAlbum(id);
        return { resolved: { type: 'album', id: value.id, album: value, links: [] }, freshness };
      }
      case 'release': {
        const release = await this.lookups.getRelease(id);
        if (!release.value.albumId) {
          return { resolved: { type: 'album', id: release.value.id, links: [] }, freshness: release.freshness };
        }
        const album = await this.lookups.getAlbum(release.value.albumId);
        const freshness = combineFreshness([release.freshness, album.freshness]);
        return { resolved: { type: 'album', id: album.value.id, album: album.value, links: [] }, freshness };
      }
      case 'track': {
        const { links, freshness } = await this.links.getLinks(id);
        const track = await this.lookups.getTrack(id);
        return { resolved: { type: 'track', id: track.value.id, track: track.value, links: links.links }, freshness };
      }
      case 'playlist':
        return { resolved: { type: 'playlist', id, links: [] }, freshness: 'HIT' };
    }
  }
}
