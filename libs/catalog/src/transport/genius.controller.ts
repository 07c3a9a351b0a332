import { Controller, Get } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiGatewayTimeoutResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Answers, Input } from '@app/core';
import { GeniusService } from '../application/genius.service';
import { withAnswerStatus } from './answer-status.response';
import { IdDto } from './catalog.dto';

/** A track's Genius song and annotations (chorus.v1.CatalogService), when GENIUS_ACCESS_TOKEN is set. */
@ApiTags('catalog')
@ApiGatewayTimeoutResponse()
@ApiTooManyRequestsResponse()
@Controller()
export class GeniusController {
  constructor(private readonly genius: GeniusService) {}

  @Get('v1/tracks/:id/genius')
  @ApiOperation({
    summary: "The track's Genius song (URL, description, release date) and the annotations on its lyrics",
    description: 'INVALID_ARGUMENT when Genius is not enabled on this server (GENIUS_ACCESS_TOKEN unset).',
  })
  @GrpcMethod('CatalogService', 'GetTrackGenius')
  async getTrackGenius(@Input() dto: IdDto) {
    const answer = await this.genius.getGenius(dto.id);
    return Answers.map(answer, () => withAnswerStatus(answer));
  }
}
