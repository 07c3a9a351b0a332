import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { SIMILAR_MAX } from '../application/similar-artists.service';

/** The most items one page of similar artists or tracks holds. */
export const SIMILAR_PAGE_MAX = SIMILAR_MAX;

export class ListSimilarDto {
  @ApiProperty({
    description: 'Namespaced id (musicbrainz:, deezer:, itunes:, spotify:) or a bare MBID',
    example: 'deezer:27',
  })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: SIMILAR_PAGE_MAX, default: 20 })
  // Query strings are text; the field's own type is not emitted for an initialized property.
  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SIMILAR_PAGE_MAX)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, maximum: SIMILAR_PAGE_MAX, default: 0 })
  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(SIMILAR_PAGE_MAX)
  offset: number = 0;
}
