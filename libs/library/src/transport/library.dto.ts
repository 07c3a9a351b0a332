import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PAGE_LIMIT_DEFAULT, PageLimit, PageOffset } from '@app/core';
import { CHART_WINDOWS, FAVORITE_TYPES, type ChartWindow, type FavoriteType } from '../domain/library.views';

const ID_EXAMPLE = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 2_000;
export const MAX_TRACKS_PER_ADD = 100;

/** Names are trimmed first, so "   " is an empty name, not a blank-looking one. */
const trimmed = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/**
 * proto3 `optional` fields arrive over gRPC with a presence marker (`_name: 'name'`) from proto-loader's
 * `oneofs: true`; it carries nothing the field itself does not, so it is accepted and ignored.
 */
function PresenceMarker(field: string): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    Equals(field, { message: `is the gRPC presence marker of ${field}` })(target, key);
  };
}

/** Absent (or 0 over gRPC, proto3's unset) means the default page size. */
export class PageDto {
  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class FavoriteDto {
  @ApiProperty({ example: ID_EXAMPLE })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiProperty({ enum: FAVORITE_TYPES })
  @IsIn(FAVORITE_TYPES)
  type!: FavoriteType;
}

export class ListFavoritesDto extends PageDto {
  @ApiPropertyOptional({ enum: FAVORITE_TYPES, description: 'Only this type; default: all' })
  @IsOptional()
  @IsIn(FAVORITE_TYPES)
  type?: FavoriteType;
}

export class PlaylistIdDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a playlist id (UUID)' })
  id!: string;
}

export class CreatePlaylistDto {
  @ApiProperty({ example: 'Road trip', maxLength: NAME_MAX })
  @trimmed()
  @IsString()
  @Length(1, NAME_MAX, { message: `must be 1 to ${NAME_MAX} characters` })
  name!: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;
}

export class UpdatePlaylistDto extends PlaylistIdDto {
  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @trimmed()
  @IsString()
  @Length(1, NAME_MAX, { message: `must be 1 to ${NAME_MAX} characters` })
  name?: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;

  @PresenceMarker('name') _name?: string;
  @PresenceMarker('description') _description?: string;
  @PresenceMarker('isPublic') _isPublic?: string;
}

export class ListPlaylistTracksDto extends PageDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a playlist id (UUID)' })
  id!: string;
}

export class AddPlaylistTracksDto extends PlaylistIdDto {
  @ApiProperty({ type: [String], example: [ID_EXAMPLE], maxItems: MAX_TRACKS_PER_ADD })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TRACKS_PER_ADD)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  trackIds!: string[];

  @ApiPropertyOptional({ minimum: 0, description: 'Insert before this position (0-based); default: append' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;

  @PresenceMarker('position') _position?: string;
}

/**
 * Zero is proto3's absent value, so positions default to 0 (a gRPC client cannot send an explicit 0). Fields with
 * an initializer get no emitted design type, so path/query strings are converted with an explicit `@Type`.
 */
export class PlaylistPositionDto extends PlaylistIdDto {
  @ApiProperty({ minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  position = 0;
}

export class MovePlaylistTrackDto extends PlaylistIdDto {
  @ApiProperty({ minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  from = 0;

  @ApiProperty({ minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  to = 0;
}

export class ImportPlaylistDto {
  @ApiProperty({ example: 'https://www.deezer.com/playlist/908622995' })
  @IsString()
  @Length(1, 2_048)
  url!: string;
}

export class ImportIdDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be an import id (UUID)' })
  id!: string;
}

export class RecordPlayDto {
  @ApiProperty({ example: ID_EXAMPLE })
  @IsString()
  @Length(1, 100)
  trackId!: string;

  @ApiPropertyOptional({ example: '2026-01-31T20:15:00Z', description: 'When it was played; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  playedAt?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  durationPlayedMs?: number;
}

export class PlayIdDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a history entry id (UUID)' })
  id!: string;
}

export class ChartDto {
  @ApiPropertyOptional({ enum: CHART_WINDOWS, default: 'week' })
  @IsOptional()
  @IsIn(CHART_WINDOWS)
  window: ChartWindow = 'week';

  @PageLimit()
  limit = PAGE_LIMIT_DEFAULT;
}

/** For requests without fields (class-validator needs one rule to refuse unknown ones). */
export class EmptyDto {
  @IsOptional()
  @Equals(undefined, { message: 'is not a field of this request' })
  readonly _?: undefined;
}
