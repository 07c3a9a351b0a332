import { Controller, Delete, Get, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ApiBearerAuth,
  ApiGatewayTimeoutResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Answers, Input } from '@app/core';
import { Roles } from '@app/auth';
import { CoverArtService } from '../application/cover-art.service';
import { LinksService } from '../application/links.service';
import { EntityLinksService } from '../application/entity-links.service';
import { LyricsService } from '../application/lyrics.service';
import { PurgeService } from '../application/purge.service';
import { ResolveService } from '../application/resolve.service';
import { ArtistAlbumsService } from '../application/artist-albums.service';
import { LookupService } from '../application/lookup.service';
import { BatchLookupService } from '../application/batch-lookup.service';
import { toBatchResponse } from './batch.response';
import { SearchService } from '../application/search.service';
import { toSearchResponse } from './search.response';
import { withAnswerStatus, withIncludeStatus } from './answer-status.response';
import { EntityExtrasService } from '../application/entity-extras.service';
import {
  askedParts,
  BarcodeDto,
  BatchGetDto,
  CoverDto,
  IdDto,
  IsrcDto,
  ListArtistAlbumsDto,
  AlbumLookupDto,
  ArtistLookupDto,
  ReleaseLookupDto,
  TrackLookupDto,
  PurgeEntityDto,
  PurgeSearchDto,
  ResolveDto,
  SearchDto,
} from './catalog.dto';
import { CoverImageInterceptor, CoverStreamInterceptor } from './cover-image.interceptor';

/**
 * Every catalog use case, once, for REST and gRPC (chorus.v1.CatalogService). Read use cases return their
 * `Answer<T>`; core's AnswerInterceptor turns its freshness into headers or metadata and sends the value.
 */
@ApiTags('catalog')
@ApiGatewayTimeoutResponse()
// A read that reaches a provider draws on the caller's PROVIDER_CALLER_BUDGET: 429 once it is spent.
@ApiTooManyRequestsResponse()
@Controller()
export class CatalogController {
  constructor(
    private readonly lookups: LookupService,
    private readonly artistAlbums: ArtistAlbumsService,
    private readonly searchService: SearchService,
    private readonly resolver: ResolveService,
    private readonly coverArt: CoverArtService,
    private readonly lyricsService: LyricsService,
    private readonly linksService: LinksService,
    private readonly purges: PurgeService,
    private readonly batches: BatchLookupService,
    private readonly extras: EntityExtrasService,
    private readonly entityLinks: EntityLinksService,
  ) {}

  @Get('v1/search')
  @ApiOperation({ summary: 'Search artists, albums or tracks across providers, merged and de-duplicated' })
  @GrpcMethod('CatalogService', 'Search')
  async search(@Input() dto: SearchDto) {
    const answer = await this.searchService.search(dto);
    return Answers.map(answer, (page) => toSearchResponse(page, answer));
  }

  @Get('v1/artists/:id')
  @GrpcMethod('CatalogService', 'GetArtist')
  async getArtist(@Input() dto: ArtistLookupDto) {
    return withIncludeStatus(await this.extras.getArtist(dto.id, askedParts(dto)));
  }

  @Get('v1/artists/:id/albums')
  @GrpcMethod('CatalogService', 'ListArtistAlbums')
  listArtistAlbums(@Input() dto: ListArtistAlbumsDto) {
    return this.artistAlbums.list(dto.id, dto.limit, dto.offset);
  }

  @Get('v1/artists/:id/links')
  @ApiOperation({
    summary: 'The artist on the other platforms: by URL relation, or by name with corroborating evidence',
  })
  @GrpcMethod('CatalogService', 'GetArtistLinks')
  async getArtistLinks(@Input() dto: IdDto) {
    const answer = await this.entityLinks.getArtistLinks(dto.id);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }

  @Get('v1/albums/by-barcode/:barcode')
  @GrpcMethod('CatalogService', 'GetAlbumByBarcode')
  getAlbumByBarcode(@Input() dto: BarcodeDto) {
    return this.lookups.getAlbumByBarcode(dto.barcode);
  }

  @Get('v1/albums/:id')
  @GrpcMethod('CatalogService', 'GetAlbum')
  async getAlbum(@Input() dto: AlbumLookupDto) {
    return withIncludeStatus(await this.extras.getAlbum(dto.id, askedParts(dto)));
  }

  @Get('v1/albums/:id/links')
  @ApiOperation({ summary: 'The album on the other platforms: by URL relation, UPC, or title with its artist linked' })
  @GrpcMethod('CatalogService', 'GetAlbumLinks')
  async getAlbumLinks(@Input() dto: IdDto) {
    const answer = await this.entityLinks.getAlbumLinks(dto.id);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }

  @Get('v1/albums/:id/cover-art')
  @GrpcMethod('CatalogService', 'GetAlbumCoverArt')
  getAlbumCoverArt(@Input() dto: IdDto) {
    return this.coverArt.getCoverArt(dto.id);
  }

  @Get('v1/cover/:id')
  @ApiOperation({ summary: "The album's front cover image bytes, relayed with caching headers" })
  @ApiProduces('image/*')
  @GrpcMethod('CatalogService', 'GetCover')
  @UseInterceptors(CoverImageInterceptor)
  getCover(@Input() dto: CoverDto) {
    return this.coverArt.getCoverImage(dto.id, dto.size, dto.type);
  }

  /** gRPC only: REST's GetCover already streams; this is its counterpart for images too large for one message. */
  @GrpcMethod('CatalogService', 'StreamCover')
  @UseInterceptors(CoverStreamInterceptor)
  streamCover(@Input() dto: CoverDto) {
    return this.coverArt.getCoverImage(dto.id, dto.size, dto.type);
  }

  @Get('v1/releases/:id')
  @GrpcMethod('CatalogService', 'GetRelease')
  async getRelease(@Input() dto: ReleaseLookupDto) {
    return withIncludeStatus(await this.extras.getRelease(dto.id, askedParts(dto)));
  }

  @Get('v1/tracks/by-isrc/:isrc')
  @GrpcMethod('CatalogService', 'GetTrackByIsrc')
  getTrackByIsrc(@Input() dto: IsrcDto) {
    return this.lookups.getTrackByIsrc(dto.isrc);
  }

  @Get('v1/tracks/:id')
  @GrpcMethod('CatalogService', 'GetTrack')
  async getTrack(@Input() dto: TrackLookupDto) {
    return withIncludeStatus(await this.extras.getTrack(dto.id, askedParts(dto)));
  }

  @Get('v1/tracks/:id/lyrics')
  @GrpcMethod('CatalogService', 'GetTrackLyrics')
  getTrackLyrics(@Input() dto: IdDto) {
    return this.lyricsService.getLyrics(dto.id);
  }

  @Get('v1/tracks/:id/links')
  @GrpcMethod('CatalogService', 'GetTrackLinks')
  async getTrackLinks(@Input() dto: IdDto) {
    const answer = await this.linksService.getLinks(dto.id);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }

  // `::` is Fastify's escaped colon: the path is the literal /v1/tracks:batchGet (AIP-231), not a parameter.
  @Post('v1/tracks::batchGet')
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 100 tracks by id in one call, each entry with its own status' })
  @GrpcMethod('CatalogService', 'BatchGetTracks')
  async batchGetTracks(@Input() dto: BatchGetDto) {
    return toBatchResponse('track', await this.batches.get('track', dto.ids));
  }

  @Post('v1/albums::batchGet')
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 100 albums by id in one call, each entry with its own status' })
  @GrpcMethod('CatalogService', 'BatchGetAlbums')
  async batchGetAlbums(@Input() dto: BatchGetDto) {
    return toBatchResponse('album', await this.batches.get('album', dto.ids));
  }

  @Post('v1/artists::batchGet')
  @HttpCode(200)
  @ApiOperation({ summary: 'Up to 100 artists by id in one call, each entry with its own status' })
  @GrpcMethod('CatalogService', 'BatchGetArtists')
  async batchGetArtists(@Input() dto: BatchGetDto) {
    return toBatchResponse('artist', await this.batches.get('artist', dto.ids));
  }

  @Get('v1/resolve')
  @ApiOperation({
    summary: 'A MusicBrainz, Deezer, Apple Music or Spotify URL → the entity (the URL is never fetched)',
  })
  @GrpcMethod('CatalogService', 'Resolve')
  async resolve(@Input() dto: ResolveDto) {
    const answer = await this.resolver.resolve(dto.url);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }

  @Delete('v1/admin/catalog/entities/:type/:id')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('admin')
  @GrpcMethod('CatalogService', 'PurgeEntity')
  async purgeEntity(@Input() dto: PurgeEntityDto) {
    return { removed: await this.purges.purgeEntity(dto.id, dto.type) };
  }

  @Delete('v1/admin/catalog/searches')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('admin')
  @GrpcMethod('CatalogService', 'PurgeSearch')
  async purgeSearch(@Input() dto: PurgeSearchDto) {
    return { removed: await this.purges.purgeSearch(dto.q, dto.type) };
  }
}
