import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from '@app/auth';
import { CatalogModule } from '@app/catalog';
import { ProvidersModule } from '@app/providers';
import { librarySettings } from './library.settings';
import { ChartRepository } from './persistence/chart.repository';
import { FavoriteRepository } from './persistence/favorite.repository';
import { PlayRepository } from './persistence/play.repository';
import { PlaylistEditorRepository } from './persistence/playlist-editor.repository';
import { PlaylistRepository } from './persistence/playlist.repository';
import { CatalogSnapshotService } from './application/catalog-snapshot.service';
import { ChartsService } from './application/charts.service';
import { FavoritesService } from './application/favorites.service';
import { HistoryService } from './application/history.service';
import { LibraryAccountData } from './application/library-account-data';
import { ImportRunner } from './application/import-runner.service';
import { PlaylistImportService } from './application/playlist-import.service';
import { PlaylistSources } from './application/playlist-sources';
import { ImportJobRepository } from './persistence/import-job.repository';
import { PlaylistTracksService } from './application/playlist-tracks.service';
import { PlaylistsService } from './application/playlists.service';
import { FavoritesController } from './transport/favorites.controller';
import { HistoryController } from './transport/history.controller';
import { PlaylistsController } from './transport/playlists.controller';

/** A user's favorites, playlists and listening history, and the charts (REST + chorus.v1.LibraryService). */
@Module({
  imports: [ConfigModule.forFeature(librarySettings), AuthModule, CatalogModule, ProvidersModule],
  controllers: [FavoritesController, PlaylistsController, HistoryController],
  providers: [
    FavoriteRepository,
    PlaylistRepository,
    PlaylistEditorRepository,
    PlayRepository,
    ChartRepository,
    CatalogSnapshotService,
    FavoritesService,
    PlaylistsService,
    PlaylistTracksService,
    PlaylistImportService,
    PlaylistSources,
    ImportJobRepository,
    ImportRunner,
    HistoryService,
    ChartsService,
    LibraryAccountData,
  ],
})
export class LibraryModule {}
