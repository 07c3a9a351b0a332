import { Controller, Delete, Get, HttpCode, Inject, UseInterceptors } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiBearerAuth, ApiGatewayTimeoutResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Answers, Input, requestContext, type Answer, type AnswerCaching } from '@app/core';
import { Roles } from '@app/auth';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';
import { CoverArtService } from '../application/cover-art.service';
import { LinksService } from '../application/links.service';
import { LyricsService } from '../application/lyrics.service';
import { PurgeService } from '../application/purge.service';
import { ResolveService } from '../application/resolve.service';
import { ArtistAlbumsService } from '../application/artist-albums.service';
import { LookupService } from '../application/lookup.service';
import { FRESHNESS_HEADERS, markFreshness } from '../domain/freshness';
import { SearchService } from '../application/search.service';
import { toSearchResponse } from './search.response';
import {
  BarcodeDto,
  CoverDto,
  IdDto,
  IsrcDto,
  ListArtistAlbumsDto,
  PurgeEntityDto,
  PurgeSearchDto,
  ResolveDto,
  SearchDto,
} from './catalog.dto';
import { CoverImageInterceptor } from './cover-image.interceptor';

/** A stale answer may be kept by clients only if they check back first. */
const STALE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

/** Every catalog use case, once, for REST and gRPC (chorus.v1.CatalogService). */
@ApiTags('catalog')
@ApiGatewayTimeoutResponse()
@Controller()
export class CatalogController {
  private readonly freshCaching: AnswerCaching;
  private readonly staleCaching: AnswerCaching;
  /** Image bytes: cached by clients, never kept in the replay caches (no replay metadata). */
  private readonly coverCaching: AnswerCaching;

  constructor(
    @Inject(catalogSettings.KEY) settings: CatalogSettings,
    private readonly lookups: LookupService,
    private readonly artistAlbums: ArtistAlbumsService,
    private readonly searchService: SearchService,
    private readonly resolver: ResolveService,
    private readonly coverArt: CoverArtService,
    private readonly lyricsService: LyricsService,
    private readonly linksService: LinksService,
    private readonly purges: PurgeService,
  ) {
    // Replays come from memory, whatever the first answer was: they say HIT.
    const replayMeta = FRESHNESS_HEADERS.HIT;
    const freshCacheControl = `public, max-age=${settings.CATALOG_HTTP_MAX_AGE_SECONDS}`;
    this.freshCaching = { cacheControl: freshCacheControl, replayMeta };
    this.staleCaching = { cacheControl: STALE_CACHE_CONTROL, replayMeta };
    this.coverCaching = { cacheControl: freshCacheControl };
  }

  /**
   * A lookup's answer: its freshness headers, and (applied by core as it leaves) ETag, Cache-Control and the
   * replay caches while it is fresh and public.
   */
  private answered<T>(answer: Answer<T>): T {
    markFreshness(answer.freshness);
    requestContext.limitFreshness(answer.freshUntil);
    requestContext.cacheAnswer(answer.freshness === 'STALE' ? this.staleCaching : this.freshCaching);
    return answer.value;
  }

  @Get('v1/search')
  @ApiOperation({ summary: 'Search artists, albums or tracks across providers, merged and de-duplicated' })
  @GrpcMethod('CatalogService', 'Search')
  async search(@Input() dto: SearchDto) {
    const answer = await this.searchService.search(dto);
    return this.answered(Answers.map(answer, (page) => toSearchResponse(page, answer)));
  }

  @Get('v1/artists/:id')
  @GrpcMethod('CatalogService', 'GetArtist')
  async getArtist(@Input() dto: IdDto) {
    return this.answered(await this.lookups.getArtist(dto.id));
  }

  @Get('v1/artists/:id/albums')
  @GrpcMethod('CatalogService', 'ListArtistAlbums')
  async listArtistAlbums(@Input() dto: ListArtistAlbumsDto) {
    return this.answered(await this.artistAlbums.list(dto.id, dto.limit, dto.offset));
  }

  @Get('v1/albums/by-barcode/:barcode')
  @GrpcMethod('CatalogService', 'GetAlbumByBarcode')
  async getAlbumByBarcode(@Input() dto: BarcodeDto) {
    return this.answered(await this.lookups.getAlbumByBarcode(dto.barcode));
  }

  @Get('v1/albums/:id')
  @GrpcMethod('CatalogService', 'GetAlbum')
  async getAlbum(@Input() dto: IdDto) {
    return this.answered(await this.lookups.getAlbum(dto.id));
  }

  @Get('v1/albums/:id/cover-art')
  @GrpcMethod('CatalogService', 'GetAlbumCoverArt')
  async getAlbumCoverArt(@Input() dto: IdDto) {
    return this.answered(await this.coverArt.getCoverArt(dto.id));
  }

  @Get('v1/cover/:id')
  @ApiOperation({ summary: "The album's front cover image bytes, relayed with caching headers" })
  @ApiProduces('image/*')
  @GrpcMethod('CatalogService', 'GetCover')
  @UseInterceptors(CoverImageInterceptor)
  async getCover(@Input() dto: CoverDto) {
    const image = await this.coverArt.getCoverImage(dto.id, dto.size);
    requestContext.cacheAnswer(this.coverCaching);
    return image.value;
  }

  @Get('v1/releases/:id')
  @GrpcMethod('CatalogService', 'GetRelease')
  async getRelease(@Input() dto: IdDto) {
    return this.answered(await this.lookups.getRelease(dto.id));
  }

  @Get('v1/tracks/by-isrc/:isrc')
  @GrpcMethod('CatalogService', 'GetTrackByIsrc')
  async getTrackByIsrc(@Input() dto: IsrcDto) {
    return this.answered(await this.lookups.getTrackByIsrc(dto.isrc));
  }

  @Get('v1/tracks/:id')
  @GrpcMethod('CatalogService', 'GetTrack')
  async getTrack(@Input() dto: IdDto) {
    return this.answered(await this.lookups.getTrack(dto.id));
  }

  @Get('v1/tracks/:id/lyrics')
  @GrpcMethod('CatalogService', 'GetTrackLyrics')
  async getTrackLyrics(@Input() dto: IdDto) {
    return this.answered(await this.lyricsService.getLyrics(dto.id));
  }

  @Get('v1/tracks/:id/links')
  @GrpcMethod('CatalogService', 'GetTrackLinks')
  async getTrackLinks(@Input() dto: IdDto) {
    return this.answered(await this.linksService.getLinks(dto.id));
  }

  @Get('v1/resolve')
  @ApiOperation({
    summary: 'A MusicBrainz, Deezer, Apple Music or Spotify URL → the entity (the URL is never fetched)',
  })
  @GrpcMethod('CatalogService', 'Resolve')
  async resolve(@Input() dto: ResolveDto) {
    return this.answered(await this.resolver.resolve(dto.url));
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
