import { Injectable } from '@nestjs/common';
import type { Artist, Track } from '@app/providers';
import { Answers, type Answer } from '@app/core';
import { LookupService } from './lookup.service';
import type { AlbumView } from '../persistence/entity.repository';
import { LinksService, type PlatformLink } from './links.service';
import { parseMusicUrl } from '../domain/url-parser';
import { parseExternalPlaylistId } from '../domain/external-playlist';
import { ExternalPlaylistsService, type ExternalPlaylist } from './external-playlists.service';

export interface Resolved {
  type: 'artist' | 'album' | 'track' | 'playlist';
  id: string;
  artist?: Artist;
  album?: AlbumView;
  track?: Track;
  playlist?: ExternalPlaylist;
  links: PlatformLink[];
}

/** A MusicBrainz, Deezer, Apple Music/iTunes or Spotify link → the entity in Chorus's model. */
@Injectable()
export class ResolveService {
  constructor(
    private readonly lookups: LookupService,
    private readonly links: LinksService,
    private readonly playlists: ExternalPlaylistsService,
  ) {}

  async resolve(rawUrl: string): Promise<Answer<Resolved>> {
    const parsed = parseMusicUrl(rawUrl);
    const id = `${parsed.provider}:${parsed.nativeId}`;
    switch (parsed.kind) {
      case 'artist':
        return Answers.map(await this.lookups.getArtist(id), (artist) => ({
          type: 'artist',
          id: artist.id,
          artist,
          links: [],
        }));
      case 'album':
        return Answers.map(await this.lookups.getAlbum(id), (album) => ({
          type: 'album',
          id: album.id,
          album,
          links: [],
        }));
      case 'release': {
        const release = await this.lookups.getRelease(id);
        if (!release.value.albumId) {
          return Answers.map(release, (value) => ({ type: 'album', id: value.id, links: [] }));
        }
        const album = await this.lookups.getAlbum(release.value.albumId);
        return Answers.combine({ type: 'album', id: album.value.id, album: album.value, links: [] }, [release, album]);
      }
      case 'track': {
        const links = await this.links.getLinks(id);
        const track = await this.lookups.getTrack(id);
        return Answers.combine({ type: 'track', id: track.value.id, track: track.value, links: links.value.links }, [
          links,
          track,
        ]);
      }
      case 'playlist': {
        // Only the platforms with playlists parse as one; a bad URL is the caller's field, whatever its id says.
        const source = parseExternalPlaylistId(id, 'url');
        return Answers.map(await this.playlists.head(source, 'url'), (playlist) => ({
          type: 'playlist',
          id: playlist.id,
          playlist,
          links: [],
        }));
      }
    }
  }
}
