import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountDataRegistry, EXPORT_BATCH_ROWS } from '@app/auth';
import { keysetRows } from '@app/core';
import type { FavoriteView, PlaylistTrackView, PlaylistView, PlayView } from '../domain/library.views';
import { FavoriteRepository, type FavoriteExportRow } from '../persistence/favorite.repository';
import { PlayRepository, type PlayExportRow } from '../persistence/play.repository';
import {
  PlaylistRepository,
  type PlaylistExportRow,
  type PlaylistTrackExportRow,
} from '../persistence/playlist.repository';

/**
 * The library's part of the account export, read a page at a time. Nothing to delete by hand: every library table
 * references auth_users ON DELETE CASCADE, so the account's deletion removes its library in the same transaction.
 */
@Injectable()
export class LibraryAccountData implements OnModuleInit {
  constructor(
    private readonly registry: AccountDataRegistry,
    private readonly favorites: FavoriteRepository,
    private readonly playlists: PlaylistRepository,
    private readonly plays: PlayRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register({ section: 'favorites', exportRows: (userId) => this.favoriteRows(userId) });
    this.registry.register({ section: 'playlists', exportRows: (userId) => this.playlistRows(userId) });
    this.registry.register({ section: 'history', exportRows: (userId) => this.playRows(userId) });
  }

  private async *favoriteRows(userId: string): AsyncGenerator<FavoriteView> {
    for await (const row of keysetRows<FavoriteExportRow>(
      (after, n) => this.favorites.exportPage(userId, after, n),
      EXPORT_BATCH_ROWS,
    )) {
      yield row.view;
    }
  }

  private async *playRows(userId: string): AsyncGenerator<PlayView> {
    for await (const row of keysetRows<PlayExportRow>(
      (after, n) => this.plays.exportPage(userId, after, n),
      EXPORT_BATCH_ROWS,
    )) {
      yield row.view;
    }
  }

  /**
   * Playlists with their tracks, grouped in one pass over two reads in the same order (playlists; all their tracks
   * by playlist, then position): each playlist's `tracks` takes the tracks read next while they are its own. A
   * playlist created or deleted between pages cannot misalign them: tracks of a playlist the first read did not
   * see (it sorts before the current one) are skipped.
   */
  private async *playlistRows(userId: string): AsyncGenerator<PlaylistView & { tracks: AsyncIterable<unknown> }> {
    const tracks = new TrackCursor(
      keysetRows<PlaylistTrackExportRow>(
        (after, n) => this.playlists.exportTrackPage(userId, after, n),
        EXPORT_BATCH_ROWS,
      ),
    );
    const playlists = keysetRows<PlaylistExportRow>(
      (after, n) => this.playlists.exportPlaylistPage(userId, after, n),
      EXPORT_BATCH_ROWS,
    );
    for await (const playlist of playlists) {
      await tracks.skipBefore(playlist.sortKey);
      yield { ...playlist.view, tracks: tracks.of(playlist.view.id) };
      // The writer reads `tracks` whole before asking for the next playlist; a reader that does not is caught up.
      await tracks.skipBefore(`${playlist.sortKey}~`);
    }
  }
}

/** The tracks read, with the next one held back until it is known which playlist wants it. */
class TrackCursor {
  /** Undefined: not read yet (or the reads are over, which another read tells at no cost). */
  private next: PlaylistTrackExportRow | undefined;

  constructor(private readonly rows: AsyncIterator<PlaylistTrackExportRow>) {}

  async skipBefore(sortKey: string): Promise<void> {
    while ((await this.peek()) !== undefined && (this.next as PlaylistTrackExportRow).sortKey < sortKey) {
      this.next = undefined;
    }
  }

  async *of(playlistId: string): AsyncGenerator<PlaylistTrackView> {
    for (let row = await this.peek(); row?.playlistId === playlistId; row = await this.peek()) {
      this.next = undefined;
      yield row.view;
    }
  }

  private async peek(): Promise<PlaylistTrackExportRow | undefined> {
    if (this.next === undefined) {
      const read = await this.rows.next();
      this.next = read.done ? undefined : read.value;
    }
    return this.next;
  }
}
