import { Controller, Get } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiGatewayTimeoutResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Answers, Input } from '@app/core';
import { SimilarArtistsService } from '../application/similar-artists.service';
import { SimilarTracksService } from '../application/similar-tracks.service';
import { withAnswerStatus } from './answer-status.response';
import { ListSimilarDto } from './similar.dto';

/** Similar artists and tracks (chorus.v1.CatalogService), from Deezer's related artists. */
@ApiTags('catalog')
@ApiGatewayTimeoutResponse()
@ApiTooManyRequestsResponse()
@Controller()
export class SimilarController {
  constructor(
    private readonly artists: SimilarArtistsService,
    private readonly tracks: SimilarTracksService,
  ) {}

  @Get('v1/artists/:id/similar')
  @ApiOperation({ summary: "Deezer's related artists of the artist, a page at a time" })
  @GrpcMethod('CatalogService', 'ListSimilarArtists')
  async listSimilarArtists(@Input() dto: ListSimilarDto) {
    const answer = await this.artists.list(dto.id, dto.limit, dto.offset);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }

  @Get('v1/tracks/:id/similar')
  @ApiOperation({ summary: "The top tracks of the related artists of the track's artist, one per recording" })
  @GrpcMethod('CatalogService', 'ListSimilarTracks')
  async listSimilarTracks(@Input() dto: ListSimilarDto) {
    const answer = await this.tracks.list(dto.id, dto.limit, dto.offset);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }
}
