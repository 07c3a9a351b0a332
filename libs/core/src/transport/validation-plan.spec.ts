import { ValidationPipe, type ArgumentMetadata, type Type as ClassType } from '@nestjs/common';
import { Expose, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { createValidationPipe } from './validation.pipe';
import { ValidationPlans } from './validation-plan';

class IdDto {
  @IsString()
  @Length(1, 100)
  id!: string;
}

class PageDto {
  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

class SearchDto extends PageDto {
  @IsString()
  @Length(1, 200)
  q!: string;

  @IsIn(['artist', 'album'])
  type!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z, ]{0,100}$/i, { message: 'providers must be a comma-separated list of provider names' })
  providers?: string;

  @IsOptional()
  @IsBoolean()
  explicit?: boolean;
}

class DefaultsDto {
  @IsOptional()
  @IsString()
  @MaxLength(10)
  size = '500';
}

class NestedDto {
  @ValidateNested()
  @Type(() => IdDto)
  inner!: IdDto;
}

class ExposedDto {
  @Expose({ name: 'other' })
  @IsString()
  id!: string;
}

/** As the catalog's lookup DTOs: an optional list field, split by a @Transform, checked with `each`. */
class LookupDto extends IdDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(['aliases', 'tags'], { each: true })
  include?: string[];
}

/** A list field that is always checked: no condition skips its rules. */
class RequiredListDto {
  @IsArray()
  @IsString({ each: true })
  tags!: string[];
}

/** A list field with a default: its rules run whatever the input says. */
class DefaultListDto extends IdDto {
  @IsOptional()
  @IsIn(['a'], { each: true })
  tags: string[] = ['b'];
}

/** As the catalog's batch lookups: a required list of strings, its items checked with `each`. */
class ListDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsString({ each: true })
  @MaxLength(5, { each: true })
  @Matches(/^[!-~]+$/, { each: true })
  ids!: string[];
}

class TypedListDto {
  @Type(() => String)
  @IsString({ each: true })
  ids!: string[];
}

const as = (metatype: ClassType): ArgumentMetadata => ({ type: 'custom', metatype });

/** Not a DTO: no validation rules at all. */
class FullPathPipe extends ValidationPipe {}

describe('ValidationPlans', () => {
  const sut = new ValidationPlans();
  const pipe = createValidationPipe();
  const full = (): ValidationPipe => {
    const reference = createValidationPipe();
    Object.defineProperty(reference, 'plans', { value: { accept: () => undefined } });
    return reference;
  };
  const reference = full();

  const valid: Array<[ClassType, Record<string, unknown>]> = [
    [IdDto, { id: 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56' }],
    [IdDto, { id: 'x' }],
    // Implicit conversion turns a number into its text, which is a string.
    [IdDto, { id: 5 }],
    [SearchDto, { q: 'daft punk', type: 'artist' }],
    [SearchDto, { q: 'daft punk', type: 'album', limit: '0005', providers: 'deezer, itunes', explicit: 'false' }],
    [SearchDto, { type: 'album', q: 'x', limit: 5, explicit: true }],
    [SearchDto, { q: 'x', type: 'artist', limit: undefined, providers: null }],
    [DefaultsDto, {}],
    [DefaultsDto, { size: '250' }],
    [DefaultsDto, { size: undefined }],
    [LookupDto, { id: 'deezer:27' }],
    [ListDto, { ids: ['a'] }],
    [ListDto, { ids: ['a', 'bb', 'a'] }],
    [RequiredListDto, { tags: ['x', 'y'] }],
  ];

  it.each(valid)('should give exactly what the full path gives for valid %p input %p', async (metatype, input) => {
    const planned = sut.accept({ ...input }, metatype);
    const expected = await reference.transform({ ...input }, as(metatype));
    expect(planned).toBeInstanceOf(metatype);
    expect(planned).toStrictEqual(expected);
    expect(Object.keys(planned ?? {})).toEqual(Object.keys(expected as object));
    await expect(pipe.transform({ ...input }, as(metatype))).resolves.toStrictEqual(expected);
  });

  const refused: Array<[ClassType, unknown]> = [
    [IdDto, {}],
    [IdDto, { id: '' }],
    [IdDto, { id: 'x'.repeat(101) }],
    [IdDto, { id: 'x', extra: '1' }],
    [IdDto, { id: ['x'] }],
    [IdDto, { id: { toString: 'x' } }],
    [IdDto, { __proto__: null, id: 'x', constructor: 'y' }],
    [IdDto, null],
    [IdDto, 'x'],
    [IdDto, [{ id: 'x' }]],
    [SearchDto, { q: 'x', type: 'artist', limit: '0x10' }],
    [SearchDto, { q: 'x', type: 'artist', limit: '1.5' }],
    [SearchDto, { q: 'x', type: 'artist', limit: '101' }],
    [SearchDto, { q: 'x', type: 'track' }],
    [SearchDto, { q: 'x', type: 'artist', providers: 'a;b' }],
    [SearchDto, { q: 'x', type: 'artist', explicit: 'yes' }],
    [DefaultsDto, { size: 'x'.repeat(11) }],
    [LookupDto, { id: '' }],
    [LookupDto, {}],
    [RequiredListDto, {}],
    [DefaultListDto, { id: 'x' }],
    [ListDto, { ids: [] }],
    [ListDto, { ids: ['a', 'b', 'c', 'd'] }],
    [ListDto, { ids: ['a', 'toolong'] }],
    [ListDto, { ids: ['a', 'b c'] }],
    [ListDto, { ids: ['a', 5] }],
    [ListDto, { ids: ['a', ['b']] }],
    [ListDto, { ids: 'a' }],
    [ListDto, { ids: { 0: 'a', length: 1 } }],
    [ListDto, { ids: ['a'], extra: '1' }],
  ];

  it.each(refused)('should leave refusals to the full path, unchanged: %p %p', async (metatype, input) => {
    expect(sut.accept(input, metatype)).toBeUndefined();
    const expected = await reference.transform(input, as(metatype)).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const actual = await pipe.transform(input, as(metatype)).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect(actual).toEqual(expected);
  });

  it.each([
    [LookupDto, { id: 'x', include: 'aliases,tags' }],
    [LookupDto, { id: 'x', include: undefined }],
    [LookupDto, { id: 'x', include: 'relations' }],
    [TypedListDto, { ids: ['a'] }],
  ])('should leave a field it cannot judge to the full path when the input has it: %p %p', async (metatype, input) => {
    expect(sut.accept({ ...input }, metatype)).toBeUndefined();
    const expected = await reference.transform({ ...input }, as(metatype)).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await expect(
      pipe.transform({ ...input }, as(metatype)).then(
        (value: unknown) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    ).resolves.toEqual(expected);
  });

  it('should not plan DTOs with nested rules or class-transformer decorators', () => {
    expect(sut.accept({ inner: { id: 'x' } }, NestedDto)).toBeUndefined();
    expect(sut.accept({ id: 'x' }, ExposedDto)).toBeUndefined();
    expect(sut.accept({ id: 'x' }, FullPathPipe)).toBeUndefined();
    // A list with @Type or @Transform: class-transformer's own rules decide what the field becomes.
    expect(sut.accept({ ids: ['x'] }, TypedListDto)).toBeUndefined();
    expect(sut.accept({ id: 'x', include: ['tags'] }, LookupDto)).toBeUndefined();
  });
});
