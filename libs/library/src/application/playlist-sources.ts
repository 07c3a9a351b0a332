import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/core';
import { parseMusicUrl, type UrlScope } from '@app/catalog';
import {
  DEEZER_PLAYLIST_PAGE,
  DeezerAdapter,
  SPOTIFY_PLAYLIST_PAGE,
  SpotifyAdapter,
  type PlaylistHead,
  type PlaylistPage,
} from '@app/providers';

/** A playlist on a platform Chorus can read playlists from. */
export interface PlaylistSource {
  provider: 'deezer' | 'spotify';
  nativeId: string;
}

/** The links an import reads: the parser refuses any other, listing exactly these forms. */
const PLAYLIST_LINKS: UrlScope = { kinds: ['playlist'], providers: ['deezer', 'spotify'] };

/** The platforms' playlists, read a head and a page at a time (so an import never holds a whole playlist). */
@Injectable()
export class PlaylistSources {
  constructor(
    private readonly deezer: DeezerAdapter,
    private readonly spotify: SpotifyAdapter,
  ) {}

  /** INVALID_ARGUMENT (field `url`) for anything but a Deezer or Spotify playlist URL Chorus can read. */
  parse(url: string): PlaylistSource {
    const parsed = parseMusicUrl(url, PLAYLIST_LINKS);
    // Never true (the scope refused other providers): it narrows the type for the compiler.
    if (parsed.provider !== 'deezer' && parsed.provider !== 'spotify') {
      throw DomainError.invalid('url', 'must be a Deezer or Spotify playlist URL');
    }
    if (parsed.provider === 'spotify' && !this.spotify.enabled) {
      throw DomainError.invalid('url', 'spotify is not enabled on this server');
    }
    return { provider: parsed.provider, nativeId: parsed.nativeId };
  }

  head(source: PlaylistSource): Promise<PlaylistHead> {
    return source.provider === 'deezer'
      ? this.deezer.playlistHead(source.nativeId)
      : this.spotify.playlistHead(source.nativeId);
  }

  page(source: PlaylistSource, offset: number, limit: number): Promise<PlaylistPage> {
    return source.provider === 'deezer'
      ? this.deezer.playlistTracks(source.nativeId, offset, limit)
      : this.spotify.playlistTracks(source.nativeId, offset, limit);
  }

  /** The platform's largest page: an import of 500 entries costs a head and five pages. */
  pageSize(source: PlaylistSource): number {
    return source.provider === 'deezer' ? DEEZER_PLAYLIST_PAGE : SPOTIFY_PLAYLIST_PAGE;
  }
}
