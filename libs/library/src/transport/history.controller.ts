import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ApiBearerAuth,
  ApiGatewayTimeoutResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentCaller, Public } from '@app/auth';
import { Input, type Caller } from '@app/core';
import type { ChartView, EmptyView, PlayView, RecordPlayView } from '../domain/library.views';
import { ChartsService } from '../application/charts.service';
import { HistoryService } from '../application/history.service';
import { ChartDto, EmptyDto, PageDto, PlayIdDto, RecordPlayDto } from './library.dto';

const SERVICE = 'LibraryService';

/** Listening history (signed in) and the charts computed from everyone's plays (public). */
@ApiTags('library')
@Authenticated()
@Controller()
export class HistoryController {
  constructor(
    private readonly history: HistoryService,
    private readonly charts: ChartsService,
  ) {}

  @Post('/v1/me/plays')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Record a play; the same track again within 30 s is the same play (counted: false)' })
  // A track id not seen yet is fetched through the read path, as for playlists and favorites.
  @ApiTooManyRequestsResponse()
  @ApiGatewayTimeoutResponse()
  @GrpcMethod(SERVICE, 'RecordPlay')
  recordPlay(@Input() dto: RecordPlayDto, @CurrentCaller() caller: Caller): Promise<RecordPlayView> {
    return this.history.record(caller, dto);
  }

  @Get('/v1/me/history')
  @ApiBearerAuth()
  @GrpcMethod(SERVICE, 'ListHistory')
  listHistory(@Input() dto: PageDto, @CurrentCaller() caller: Caller): Promise<{ plays: PlayView[]; total: number }> {
    return this.history.list(caller, dto.limit, dto.offset);
  }

  @Delete('/v1/me/history/:id')
  @HttpCode(204)
  @ApiBearerAuth()
  @GrpcMethod(SERVICE, 'DeletePlay')
  async deletePlay(@Input() dto: PlayIdDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.history.remove(caller, dto.id);
    return {};
  }

  @Delete('/v1/me/history')
  @ApiBearerAuth()
  @GrpcMethod(SERVICE, 'ClearHistory')
  clearHistory(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<{ removed: number }> {
    return this.history.clear(caller);
  }

  @Get('/v1/charts/tracks')
  @Public()
  @ApiOperation({ summary: 'Most played tracks across all users over a window (day, week, month, all)' })
  @GrpcMethod(SERVICE, 'GetTrackChart')
  trackChart(@Input() dto: ChartDto): Promise<ChartView> {
    return this.charts.chart('tracks', dto.window, dto.limit);
  }

  @Get('/v1/charts/artists')
  @Public()
  @GrpcMethod(SERVICE, 'GetArtistChart')
  artistChart(@Input() dto: ChartDto): Promise<ChartView> {
    return this.charts.chart('artists', dto.window, dto.limit);
  }
}
