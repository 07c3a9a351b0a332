import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountDataRegistry } from '@app/auth';
import { FavoriteRepository } from '../persistence/favorite.repository';
import { PlayRepository } from '../persistence/play.repository';
import { PlaylistRepository } from '../persistence/playlist.repository';

/**
 * The library's part of the account export. Nothing to delete by hand: every library table references
 * auth_users ON DELETE CASCADE, so the account's deletion removes its library in the same transaction.
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
    this.registry.register({ section: 'favorites', exportData: (userId) => this.favorites.exportAll(userId) });
    this.registry.register({ section: 'playlists', exportData: (userId) => this.playlists.exportAll(userId) });
    this.registry.register({ section: 'history', exportData: (userId) => this.plays.exportAll(userId) });
  }
}
