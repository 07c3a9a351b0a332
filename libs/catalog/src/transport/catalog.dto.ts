import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { PAGE_LIMIT_DEFAULT, PageLimit, PageOffset } from '@app/core';
import { COVER_SIZES, type CoverSize } from '../application/cover-art.service';
import type { EntityKind } from '../domain/catalog-id';
import { SEARCH_TYPES, type SearchType } from '../application/provider.gateway';
import { MAX_SEARCH_OFFSET } from '../domain/search-paging';

const ID_EXAMPLE = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';

export class IdDto {
  @ApiProperty({
    description: 'Namespaced id (musicbrainz:, deezer:, itunes:, spotify:) or a bare MBID',
    example: ID_EXAMPLE,
  })
  @IsString()
  @Length(1, 100)
  id!: string;
}

export class IsrcDto {
  @ApiProperty({ example: 'GBDUW0000059' })
  @IsString()
  @Length(1, 32)
  isrc!: string;
}

export class BarcodeDto {
  @ApiProperty({ example: '724384960650', description: 'UPC-A, EAN-13 or EAN-8' })
  @IsString()
  @Length(1, 32)
  barcode!: string;
}

export class PageDto {
  @PageLimit()
  limit: number = PAGE_LIMIT_DEFAULT;

  /** An artist's albums are read from the provider a page at a time; deeper pages are not worth a provider call. */
  @PageOffset(10_000)
  offset: number = 0;
}

export class ListArtistAlbumsDto extends PageDto {
  @ApiProperty({ example: ID_EXAMPLE })
  @IsString()
  @Length(1, 100)
  id!: string;
}

export class SearchDto extends PageDto {
  @ApiProperty({ example: 'daft punk', description: 'Free text; Lucene syntax is escaped' })
  @IsString()
  @Length(1, 200)
  q!: string;

  @ApiProperty({ enum: SEARCH_TYPES, description: 'release: concrete editions (one barcode each) of albums' })
  @IsIn(SEARCH_TYPES)
  type!: SearchType;

  @PageOffset(MAX_SEARCH_OFFSET, `Position in the merged list, 0 to ${MAX_SEARCH_OFFSET}`)
  override offset: number = 0;

  @ApiPropertyOptional({ example: 'musicbrainz,deezer', description: 'Comma-separated; default: every enabled one' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z, ]{0,100}$/i, { message: 'providers must be a comma-separated list of provider names' })
  providers?: string;
}

export class ResolveDto {
  @ApiProperty({ example: 'https://www.deezer.com/track/3135556' })
  @IsString()
  @MaxLength(2_048)
  url!: string;
}

export class CoverDto {
  @ApiProperty({ example: ID_EXAMPLE, description: 'Album id' })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiPropertyOptional({ enum: COVER_SIZES, default: '500' })
  @IsOptional()
  @IsIn(COVER_SIZES)
  size: CoverSize = '500';
}

export class PurgeEntityDto {
  @ApiProperty({ example: ID_EXAMPLE })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiProperty({ enum: ['artist', 'album', 'release', 'track'] })
  @IsIn(['artist', 'album', 'release', 'track'])
  type!: EntityKind;
}

export class PurgeSearchDto {
  @ApiProperty({ example: 'daft punk' })
  @IsString()
  @Length(1, 200)
  q!: string;

  @ApiProperty({ enum: SEARCH_TYPES })
  @IsIn(SEARCH_TYPES)
  type!: SearchType;
}

/** The most ids one batch lookup takes. */
export const BATCH_MAX_IDS = 100;

export class BatchGetDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: BATCH_MAX_IDS,
    description: `1 to ${BATCH_MAX_IDS} ids, as the single lookups take them; duplicates are answered once`,
    example: [ID_EXAMPLE, 'deezer:3135556'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BATCH_MAX_IDS)
  // A malformed id is that entry's INVALID_ARGUMENT; only what is not an id at all fails the request.
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  // Text that cannot be an id of any form (control bytes, spaces, non-ASCII) is a broken request, not one entry.
  @Matches(/^[!-~]+$/, { each: true, message: 'each id must be printable ASCII without spaces' })
  ids!: string[];
}
