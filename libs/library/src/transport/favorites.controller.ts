import { Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ApiBearerAuth,
  ApiGatewayTimeoutResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentCaller } from '@app/auth';
import { Input, type Caller } from '@app/core';
import type { EmptyView, FavoritePageView, FavoriteView } from '../domain/library.views';
import { FavoritesService } from '../application/favorites.service';
import { FavoriteDto, ListFavoritesDto } from './library.dto';

const SERVICE = 'LibraryService';

/** The signed-in user's favorites (chorus.v1.LibraryService). */
@ApiTags('library')
@ApiBearerAuth()
@Authenticated()
@Controller()
export class FavoritesController {
  constructor(private readonly favorites: FavoritesService) {}

  @Put('/v1/me/favorites/:id')
  @ApiOperation({ summary: 'Favorite a track, album or artist (idempotent); unknown ids are NOT_FOUND' })
  @ApiGatewayTimeoutResponse()
  @ApiTooManyRequestsResponse()
  @GrpcMethod(SERVICE, 'AddFavorite')
  addFavorite(@Input('query') dto: FavoriteDto, @CurrentCaller() caller: Caller): Promise<FavoriteView> {
    return this.favorites.add(caller, dto.type, dto.id);
  }

  @Delete('/v1/me/favorites/:id')
  @HttpCode(204)
  @GrpcMethod(SERVICE, 'RemoveFavorite')
  async removeFavorite(@Input() dto: FavoriteDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.favorites.remove(caller, dto.type, dto.id);
    return {};
  }

  @Get('/v1/me/favorites')
  @ApiOperation({ summary: 'Favorites, newest first' })
  @GrpcMethod(SERVICE, 'ListFavorites')
  listFavorites(@Input() dto: ListFavoritesDto, @CurrentCaller() caller: Caller): Promise<FavoritePageView> {
    return this.favorites.list(caller, dto.type, dto.limit, dto.offset);
  }
}
