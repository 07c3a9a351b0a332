import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ProvidersModule } from '@app/providers';
import { catalogSettings } from './catalog.settings';
import { CoverArtService } from './application/cover-art.service';
import { CoverImageFetcher } from './application/cover-image.fetcher';
import { CoverFileStore } from './persistence/cover-file.store';
import { LinksService } from './application/links.service';
import { LyricsService } from './application/lyrics.service';
import { PurgeService } from './application/purge.service';
import { ResolveService } from './application/resolve.service';
import { ArtistAlbumsService } from './application/artist-albums.service';
import { LookupService } from './application/lookup.service';
import { EntityExtrasService } from './application/entity-extras.service';
import { ExtrasRepository } from './persistence/extras.repository';
import { BatchLookupService } from './application/batch-lookup.service';
import { CodeFallthroughService } from './application/code-fallthrough.service';
import { ProviderGateway } from './application/provider.gateway';
import { AnswerRepository } from './persistence/answer.repository';
import { BarcodeRepository } from './persistence/barcode.repository';
import { EntityRepository } from './persistence/entity.repository';
import { CatalogRetention } from './application/catalog-retention';
import { MissRepository } from './persistence/miss.repository';
import { SearchRepository } from './persistence/search.repository';
import { ReadThrough } from './application/read-through.service';
import { CatalogMetrics } from './application/catalog.metrics';
import { SingleFlight } from './application/single-flight.service';
import { SearchService } from './application/search.service';
import { CatalogController } from './transport/catalog.controller';
import { SimilarArtistsService } from './application/similar-artists.service';
import { SimilarTracksService } from './application/similar-tracks.service';
import { SimilarController } from './transport/similar.controller';
import { CrossRefRepository } from './persistence/cross-ref.repository';
import { IdentityService } from './application/identity.service';
import { ArtistImagesService } from './application/artist-images.service';
import { EntityMatchService } from './application/entity-match.service';
import { EntityLinksService } from './application/entity-links.service';
import { ExternalPlaylistsService } from './application/external-playlists.service';
import { ExternalPlaylistsController } from './transport/external-playlists.controller';

@Module({
  imports: [ConfigModule.forFeature(catalogSettings), ProvidersModule],
  controllers: [CatalogController, SimilarController, ExternalPlaylistsController],
  providers: [
    EntityRepository,
    BarcodeRepository,
    SearchRepository,
    AnswerRepository,
    MissRepository,
    CatalogRetention,
    SingleFlight,
    CatalogMetrics,
    ReadThrough,
    ProviderGateway,
    CodeFallthroughService,
    LookupService,
    ExtrasRepository,
    EntityExtrasService,
    BatchLookupService,
    ArtistAlbumsService,
    SearchService,
    LyricsService,
    LinksService,
    CoverFileStore,
    CoverImageFetcher,
    CoverArtService,
    ResolveService,
    PurgeService,
    SimilarArtistsService,
    SimilarTracksService,
    CrossRefRepository,
    IdentityService,
    ArtistImagesService,
    EntityMatchService,
    EntityLinksService,
    ExternalPlaylistsService,
  ],
  exports: [LookupService, ResolveService, LinksService],
})
export class CatalogModule {}
