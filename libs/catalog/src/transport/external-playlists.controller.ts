import { Controller, Get } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiGatewayTimeoutResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Input } from '@app/core';
import { ExternalPlaylistsService } from '../application/external-playlists.service';
import { ListExternalPlaylistTracksDto } from './external-playlists.dto';

/** Deezer and Spotify playlists read in place (chorus.v1.CatalogService); /v1/resolve answers their heads. */
@ApiTags('catalog')
@ApiGatewayTimeoutResponse()
@ApiTooManyRequestsResponse()
@Controller()
export class ExternalPlaylistsController {
  constructor(private readonly playlists: ExternalPlaylistsService) {}

  @Get('v1/external-playlists/:id/tracks')
  @ApiOperation({
    summary: "A Deezer or Spotify playlist's tracks, a page at a time, in Chorus's track model (nothing imported)",
  })
  @GrpcMethod('CatalogService', 'ListExternalPlaylistTracks')
  listExternalPlaylistTracks(@Input() dto: ListExternalPlaylistTracksDto) {
    return this.playlists.tracks(dto.id, dto.limit, dto.offset);
  }
}
