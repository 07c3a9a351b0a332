import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
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
import { DomainError, PAGE_LIMIT_DEFAULT, PageLimit, PageOffset } from '@app/core';
import { COVER_SIZES, COVER_TYPES, type CoverSize, type CoverType } from '../application/cover-art.service';
import type { EntityKind } from '../domain/catalog-id';
import { SEARCH_TYPES, type SearchType } from '../application/provider.gateway';
import type { PurgeKind } from '../application/purge.service';
import { MAX_SEARCH_OFFSET } from '../domain/search-paging';
import { INCLUDES_OF, MAX_INCLUDES } from '../domain/include';

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

/** A list from a comma list, repeated values or both: `include=aliases,relations` is `['aliases', 'relations']`. */
function splitList(value: unknown): unknown[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list
    .flatMap((item) => (typeof item === 'string' ? item.split(',').map((part) => part.trim()) : [item]))
    .filter((item) => item !== '');
}

/**
 * `read_mask` is a google.protobuf.FieldMask: `{ paths: [...] }` from gRPC, or its proto3 JSON form on REST, one
 * comma-separated string (`readMask=relations,aliases`). Either way, its paths.
 */
function maskPaths(value: unknown): unknown[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return splitList('paths' in value ? value.paths : []);
  }
  return splitList(value);
}

/** The parts one entity kind takes, by whichever field names them: documented and checked the same way. */
function partsField(
  kind: EntityKind,
  description: string,
  toList: (value: unknown) => unknown[],
  withExample: boolean,
): PropertyDecorator {
  const values = INCLUDES_OF[kind];
  return applyDecorators(
    // Swagger UI's "Try it out" fills every parameter that has an example: one of the two, or it sends both (400).
    ApiPropertyOptional({ type: [String], description, ...(withExample ? { example: [values[0]] } : {}) }),
    IsOptional(),
    // From the raw input: implicit conversion to the declared array type has already turned an object into [].
    Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => toList(obj[key])),
    IsArray(),
    ArrayMaxSize(MAX_INCLUDES),
    IsIn(values, { each: true }),
  );
}

/** The `include` field of one entity kind's lookup: only that kind's values are documented and accepted. */
function includeField(kind: EntityKind): PropertyDecorator {
  const description =
    `Extra parts of the ${kind} to answer, comma-separated or repeated (${INCLUDES_OF[kind].join(', ')}); see the ` +
    'Relations, credits and aliases section of the README. Without it the answer is the plain entity. ' +
    INCLUDE_NOTES[kind];
  return partsField(kind, description, splitList, true);
}

/** The `readMask` field: the same parts as include, as field-mask paths (gRPC's preferred form). */
function readMaskField(kind: EntityKind): PropertyDecorator {
  const description =
    "The same parts as include, as a field mask (the proto3 JSON form of gRPC's read_mask: paths comma-separated, " +
    `${INCLUDES_OF[kind].join(', ')}). Give include or readMask, not both (400 naming readMask).`;
  return partsField(kind, description, maskPaths, false);
}

const INCLUDE_NOTES: Readonly<Record<EntityKind, string>> = {
  artist: 'relations: members, member of, collaborations and other artist relations.',
  album: 'genres and tags (with counts) are always in an album.',
  release: 'labels (with catalog numbers) are always in a release; genres and tags come with counts.',
  track: 'credits: composer, lyricist, producer, performers with instruments (from the recording and its work).',
};

export class ArtistLookupDto extends IdDto {
  @includeField('artist')
  include?: string[];

  @readMaskField('artist')
  readMask?: string[];
}

export class AlbumLookupDto extends IdDto {
  @includeField('album')
  include?: string[];

  @readMaskField('album')
  readMask?: string[];
}

export class ReleaseLookupDto extends IdDto {
  @includeField('release')
  include?: string[];

  @readMaskField('release')
  readMask?: string[];
}

export class TrackLookupDto extends IdDto {
  @includeField('track')
  include?: string[];

  @readMaskField('track')
  readMask?: string[];
}

/**
 * The parts a lookup asked for, from `include` or `readMask`. Both at once is refused rather than merged or one
 * silently ignored: a client that sets both has a bug we would otherwise hide.
 */
export function askedParts(dto: { include?: string[]; readMask?: string[] }): string[] | undefined {
  const hasInclude = (dto.include?.length ?? 0) > 0;
  const hasMask = dto.readMask !== undefined;
  if (hasInclude && hasMask) {
    throw DomainError.invalid('readMask', 'cannot be combined with include: send one of them (readMask preferred)');
  }
  return hasMask ? dto.readMask : dto.include;
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
  @ApiProperty({ example: ID_EXAMPLE, description: 'Album id, or artist id with type=artist' })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiPropertyOptional({ enum: COVER_SIZES, default: '500' })
  @IsOptional()
  @IsIn(COVER_SIZES)
  size: CoverSize = '500';

  @ApiPropertyOptional({
    enum: COVER_TYPES,
    default: 'album',
    description:
      "album: the album's front cover; artist: the artist's picture (for MusicBrainz artists, their linked Deezer or Spotify one)",
  })
  @IsOptional()
  @IsIn(COVER_TYPES)
  type: CoverType = 'album';
}

const PURGE_KINDS: readonly PurgeKind[] = ['artist', 'album', 'release', 'track', 'external-playlist'];

export class PurgeEntityDto {
  @ApiProperty({ example: ID_EXAMPLE })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiProperty({
    enum: PURGE_KINDS,
    description: "external-playlist: a Deezer or Spotify playlist's kept head and pages (id deezer:<digits>)",
  })
  @IsIn(PURGE_KINDS)
  type!: PurgeKind;
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
  // class-validator runs these bottom-up and the pipe reports the first failure: the shape (an array, its size)
  // comes last here so a missing or non-array `ids` is named as such, not as a bad id.
  // Text that cannot be an id of any form (control bytes, spaces, non-ASCII) is a broken request, not one entry.
  @Matches(/^[!-~]+$/, { each: true, message: 'each id must be printable ASCII without spaces' })
  @MaxLength(100, { each: true })
  // A malformed id is that entry's INVALID_ARGUMENT; only what is not an id at all fails the request.
  @IsString({ each: true })
  @ArrayMaxSize(BATCH_MAX_IDS)
  @ArrayMinSize(1)
  @IsArray({ message: `ids must be an array of 1 to ${BATCH_MAX_IDS} ids` })
  ids!: string[];
}
