import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ProvidersModule } from '@app/providers';
import { catalogSettings } from './catalog.settings';
import { CoverArtService } from './extras/cover-art.service';
import { CoverImageFetcher } from './extras/cover-image.fetcher';
import { LinksService } from './extras/links.service';
import { LyricsService } from './extras/lyrics.service';
import { PurgeService } from './extras/purge.service';
import { ResolveService } from './extras/resolve.service';
import { ArtistAlbumsService } from './lookups/artist-albums.service';
import { LookupService } from './lookups/lookup.service';
import { ProviderGateway } from './lookups/provider.gateway';
import { AnswerRepository } from './persistence/answer.repository';
import { BarcodeRepository } from './persistence/barcode.repository';
import { EntityRepository } from './persistence/entity.repository';
import { MissRepository } from './persistence/miss.repository';
import { SearchRepository } from './persistence/search.repository';
import { ReadThrough } from './read-path/read-through.service';
import { SingleFlight } from './read-path/single-flight.service';
import { SearchService } from './search/search.service';
import { CatalogController } from './transport/catalog.controller';

@Module({
  imports: [ConfigModule.forFeature(catalogSettings), ProvidersModule],
  controllers: [CatalogController],
  providers: [
    EntityRepository,
    BarcodeRepository,
    SearchRepository,
    AnswerRepository,
    MissRepository,
    SingleFlight,
    ReadThrough,
    ProviderGateway,
    LookupService,
    ArtistAlbumsService,
    SearchService,
    LyricsService,
    LinksService,
    CoverImageFetcher,
    CoverArtService,
    ResolveService,
    PurgeService,
  ],
  exports: [LookupService, ResolveService, LinksService],
})
export class CatalogModule {}
