import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentCaller, OptionalAuth, OptionalCaller } from '@app/auth';
import { Input, type Caller } from '@app/core';
import type {
  EmptyView,
  ImportJobView,
  PlaylistTrackPageView,
  PlaylistTrackView,
  PlaylistView,
} from '../domain/library.views';
import { ImportRunner } from '../application/import-runner.service';
import { PlaylistImportService } from '../application/playlist-import.service';
import { PlaylistTracksService } from '../application/playlist-tracks.service';
import { PlaylistsService } from '../application/playlists.service';
import {
  AddPlaylistTracksDto,
  CreatePlaylistDto,
  ImportIdDto,
  ImportPlaylistDto,
  ListPlaylistTracksDto,
  MovePlaylistTrackDto,
  PageDto,
  PlaylistIdDto,
  PlaylistPositionDto,
  UpdatePlaylistDto,
} from './library.dto';

const SERVICE = 'LibraryService';

/** Documents the PERMISSION_DENIED a signed-in non-owner gets (a private playlist is NOT_FOUND to them). */
const OwnerOnly = (): MethodDecorator =>
  ApiForbiddenResponse({ description: 'Only the owner can change this playlist' });

/** Playlists: the owner changes them; anyone reads public ones, the owner also private ones. */
@ApiTags('library')
@ApiBearerAuth()
@Authenticated()
@Controller()
export class PlaylistsController {
  constructor(
    private readonly playlists: PlaylistsService,
    private readonly tracks: PlaylistTracksService,
    private readonly imports: PlaylistImportService,
    private readonly runner: ImportRunner,
  ) {}

  @Post('/v1/me/playlists')
  @GrpcMethod(SERVICE, 'CreatePlaylist')
  createPlaylist(@Input() dto: CreatePlaylistDto, @CurrentCaller() caller: Caller): Promise<PlaylistView> {
    return this.playlists.create(caller, {
      name: dto.name,
      description: dto.description ?? '',
      isPublic: dto.isPublic ?? false,
    });
  }

  @Get('/v1/me/playlists')
  @GrpcMethod(SERVICE, 'ListMyPlaylists')
  listMyPlaylists(@Input() dto: PageDto, @CurrentCaller() caller: Caller) {
    return this.playlists.listOwn(caller, dto.limit, dto.offset);
  }

  @Post('/v1/me/playlists/import')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start copying a Deezer or Spotify playlist into a new private playlist (a background job)',
    description:
      'Reads the playlist head now (404 for an unknown playlist), then fills the new playlist page by page in ' +
      'the background. Follow it with GET /v1/me/imports/{id}. 429 while 3 of your imports are unfinished.',
  })
  @ApiAcceptedResponse({ description: 'The import job, queued' })
  @ApiTooManyRequestsResponse({ description: 'Three of your imports are unfinished, or your provider budget is spent' })
  @ApiGatewayTimeoutResponse()
  @GrpcMethod(SERVICE, 'StartPlaylistImport')
  async startImport(@Input() dto: ImportPlaylistDto, @CurrentCaller() caller: Caller): Promise<ImportJobView> {
    const job = await this.imports.start(caller, dto.url);
    this.runner.kick();
    return job;
  }

  @Get('/v1/me/imports/:id')
  @ApiOperation({ summary: 'An import job of yours: state, progress, unresolved entries' })
  @GrpcMethod(SERVICE, 'GetPlaylistImport')
  getImport(@Input() dto: ImportIdDto, @CurrentCaller() caller: Caller): Promise<ImportJobView> {
    return this.imports.get(caller, dto.id);
  }

  @Get('/v1/me/imports')
  @ApiOperation({ summary: 'Your import jobs, newest first' })
  @GrpcMethod(SERVICE, 'ListPlaylistImports')
  listImports(@Input() dto: PageDto, @CurrentCaller() caller: Caller): Promise<{ imports: ImportJobView[] }> {
    return this.imports.list(caller, dto.limit, dto.offset);
  }

  @Get('/v1/playlists/:id')
  @OptionalAuth()
  @GrpcMethod(SERVICE, 'GetPlaylist')
  getPlaylist(@Input() dto: PlaylistIdDto, @OptionalCaller() viewer?: Caller): Promise<PlaylistView> {
    return this.playlists.get(viewer, dto.id);
  }

  @Patch('/v1/playlists/:id')
  @ApiOperation({ summary: 'Rename, describe, make public or private' })
  @OwnerOnly()
  @GrpcMethod(SERVICE, 'UpdatePlaylist')
  updatePlaylist(@Input() dto: UpdatePlaylistDto, @CurrentCaller() caller: Caller): Promise<PlaylistView> {
    return this.playlists.update(caller, dto.id, {
      name: dto.name,
      description: dto.description,
      isPublic: dto.isPublic,
    });
  }

  @Delete('/v1/playlists/:id')
  @HttpCode(204)
  @OwnerOnly()
  @GrpcMethod(SERVICE, 'DeletePlaylist')
  async deletePlaylist(@Input() dto: PlaylistIdDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.playlists.remove(caller, dto.id);
    return {};
  }

  @Get('/v1/playlists/:id/tracks')
  @OptionalAuth()
  @GrpcMethod(SERVICE, 'ListPlaylistTracks')
  listPlaylistTracks(
    @Input() dto: ListPlaylistTracksDto,
    @OptionalCaller() viewer?: Caller,
  ): Promise<PlaylistTrackPageView> {
    return this.playlists.listTracks(viewer, dto.id, dto.limit, dto.offset);
  }

  @Post('/v1/playlists/:id/tracks')
  @ApiOperation({ summary: 'Add tracks at a position (0-based; default: at the end)' })
  // A track id not seen yet is fetched through the read path: the provider may time out, or the budget be spent.
  @ApiTooManyRequestsResponse()
  @ApiGatewayTimeoutResponse()
  @OwnerOnly()
  @GrpcMethod(SERVICE, 'AddPlaylistTracks')
  async addPlaylistTracks(
    @Input() dto: AddPlaylistTracksDto,
    @CurrentCaller() caller: Caller,
  ): Promise<{ tracks: PlaylistTrackView[] }> {
    return { tracks: await this.tracks.add(caller, dto.id, dto.trackIds, dto.position) };
  }

  @Post('/v1/playlists/:id/tracks/move')
  @HttpCode(204)
  @OwnerOnly()
  @GrpcMethod(SERVICE, 'MovePlaylistTrack')
  async movePlaylistTrack(@Input() dto: MovePlaylistTrackDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.tracks.move(caller, dto.id, dto.from, dto.to);
    return {};
  }

  @Delete('/v1/playlists/:id/tracks/:position')
  @HttpCode(204)
  @OwnerOnly()
  @GrpcMethod(SERVICE, 'RemovePlaylistTrack')
  async removePlaylistTrack(@Input() dto: PlaylistPositionDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.tracks.remove(caller, dto.id, dto.position);
    return {};
  }
}
