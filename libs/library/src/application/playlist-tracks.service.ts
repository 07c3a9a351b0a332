import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Caller } from '@app/core';
import type { PlaylistTrackView } from '../domain/library.views';
import type { Snapshot } from '../domain/track-snapshot';
import { librarySettings, type LibrarySettings } from '../library.settings';
import { PlaylistEditorRepository, type PlaylistEditor } from '../persistence/playlist-editor.repository';
import { PlaylistRepository } from '../persistence/playlist.repository';
import { CatalogSnapshotService } from './catalog-snapshot.service';
import { CATALOG_LOOKUP_CONCURRENCY, mapLimit } from './map-limit';
import { notOwned } from './playlist-access';

/** Edits of a playlist's track list by its owner; each one runs under the playlist's lock. */
@Injectable()
export class PlaylistTracksService {
  constructor(
    private readonly editors: PlaylistEditorRepository,
    private readonly playlists: PlaylistRepository,
    private readonly catalog: CatalogSnapshotService,
    @Inject(librarySettings.KEY) private readonly settings: LibrarySettings,
  ) {}

  /**
   * Tracks are resolved through the catalog before the lock is taken (a provider call must not hold it); the
   * position is checked against the list as it is once locked. No position: appended.
   */
  async add(caller: Caller, id: string, trackIds: string[], position?: number): Promise<PlaylistTrackView[]> {
    const tracks = await mapLimit(trackIds, CATALOG_LOOKUP_CONCURRENCY, (trackId, index) =>
      this.catalog.track(trackId, `trackIds[${index}]`),
    );
    return this.edit(caller, id, (editor) => this.insert(editor, tracks, position));
  }

  async remove(caller: Caller, id: string, position: number): Promise<void> {
    await this.edit(caller, id, (editor) => {
      inRange('position', position, editor.trackCount - 1);
      return editor.remove(position);
    });
  }

  async move(caller: Caller, id: string, from: number, to: number): Promise<void> {
    await this.edit(caller, id, (editor) => {
      inRange('from', from, editor.trackCount - 1);
      inRange('to', to, editor.trackCount - 1);
      return from === to ? Promise.resolve() : editor.move(from, to);
    });
  }

  /** For import: the tracks appended to a playlist the caller owns. */
  insert(editor: PlaylistEditor, tracks: Snapshot[], position?: number): Promise<PlaylistTrackView[]> {
    const at = position ?? editor.trackCount;
    inRange('position', at, editor.trackCount);
    const max = this.settings.LIBRARY_PLAYLIST_MAX_TRACKS;
    if (editor.trackCount + tracks.length > max) {
      throw DomainError.invalid('trackIds', `a playlist holds at most ${max} tracks`);
    }
    return tracks.length === 0 ? Promise.resolve([]) : editor.insert(at, tracks);
  }

  async edit<T>(caller: Caller, id: string, change: (editor: PlaylistEditor) => Promise<T>): Promise<T> {
    const outcome = await this.editors.editOwned(caller.id, id, change);
    if (!outcome) {
      throw await notOwned(this.playlists, caller.id, id);
    }
    return outcome.result;
  }
}

function inRange(field: string, value: number, max: number): void {
  if (value < 0 || value > max) {
    throw DomainError.invalid(field, max < 0 ? 'the playlist is empty' : `must be between 0 and ${max}`);
  }
}
