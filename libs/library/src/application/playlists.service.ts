import { Injectable } from '@nestjs/common';
import type { Caller } from '@app/core';
import type { PlaylistTrackPageView, PlaylistView } from '../domain/library.views';
import { PlaylistRepository, type NewPlaylist, type PlaylistPatch } from '../persistence/playlist.repository';
import { DEFAULT_PAGE } from './favorites.service';
import { notFound, notOwned } from './playlist-access';

/** Playlists as objects: create, read, rename/describe/publish, delete. Track lists: PlaylistTracksService. */
@Injectable()
export class PlaylistsService {
  constructor(private readonly playlists: PlaylistRepository) {}

  create(caller: Caller, playlist: NewPlaylist): Promise<PlaylistView> {
    return this.playlists.create(caller.id, playlist);
  }

  listOwn(caller: Caller, limit?: number, offset?: number): Promise<{ playlists: PlaylistView[]; total: number }> {
    return this.playlists.listOwned(caller.id, limit || DEFAULT_PAGE, offset ?? 0);
  }

  /** Anyone reads a public playlist; a private one only its owner (others get NOT_FOUND). */
  async get(viewer: Caller | undefined, id: string): Promise<PlaylistView> {
    const playlist = await this.playlists.findReadable(viewer?.id ?? null, id);
    if (!playlist) {
      throw notFound();
    }
    return playlist;
  }

  async listTracks(
    viewer: Caller | undefined,
    id: string,
    limit?: number,
    offset?: number,
  ): Promise<PlaylistTrackPageView> {
    await this.get(viewer, id);
    return this.playlists.listTracks(id, limit || DEFAULT_PAGE, offset ?? 0);
  }

  async update(caller: Caller, id: string, patch: PlaylistPatch): Promise<PlaylistView> {
    const updated = await this.playlists.update(caller.id, id, patch);
    if (!updated) {
      throw await notOwned(this.playlists, caller.id, id);
    }
    return updated;
  }

  async remove(caller: Caller, id: string): Promise<void> {
    if (!(await this.playlists.remove(caller.id, id))) {
      throw await notOwned(this.playlists, caller.id, id);
    }
  }
}
