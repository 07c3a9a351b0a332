import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiBearerAuth, ApiForbiddenResponse, ApiGatewayTimeoutResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentCaller, OptionalAuth, OptionalCaller } from '@app/auth';
import { Input, type Caller } from '@app/core';
import type {
  EmptyView,
  ImportView,
  PlaylistTrackPageView,
  PlaylistTrackView,
  PlaylistView,
} from '../domain/library.views';
import { PlaylistImportService } from '../application/playlist-import.service';
import { PlaylistTracksService } from '../application/playlist-tracks.service';
import { PlaylistsService } from '../application/playlists.service';
import {
  AddPlaylistTracksDto,
  CreatePlaylistDto,
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
  @ApiOperation({ summary: 'Copy a Deezer or Spotify playlist into a new private playlist; reports unresolved tracks' })
  @ApiGatewayTimeoutResponse()
  @GrpcMethod(SERVICE, 'ImportPlaylist')
  importPlaylist(@Input() dto: ImportPlaylistDto, @CurrentCaller() caller: Caller): Promise<ImportView> {
    return this.imports.import(caller, dto.url);
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
