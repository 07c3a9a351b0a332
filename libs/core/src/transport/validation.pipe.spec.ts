import type { ArgumentMetadata } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe } from './validation.pipe';

class LookupDto {
  @IsString()
  @Matches(/^[a-z]+:\w+$/)
  id!: string;

  @IsOptional()
  @IsInt()
  limit?: number;

  @IsOptional()
  @IsBoolean()
  explicit?: boolean;
}

const as = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'custom', metatype });

describe('validation pipe', () => {
  const sut = createValidationPipe();

  it('should hand out an instance of the DTO with query text converted to the declared types', async () => {
    const dto = (await sut.transform({ id: 'deezer:1', limit: '5', explicit: 'false' }, as(LookupDto))) as LookupDto;
    expect(dto).toBeInstanceOf(LookupDto);
    expect(dto).toEqual({ id: 'deezer:1', limit: 5, explicit: false });
  });

  it('should refuse bad input as INVALID_ARGUMENT naming the field', async () => {
    await expect(sut.transform({ id: 'no colon' }, as(LookupDto))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^Invalid request: id must match /),
    });
    await expect(sut.transform({ id: 'deezer:1', extra: 1 }, as(LookupDto))).rejects.toBeInstanceOf(DomainError);
    await expect(sut.transform({ id: 'deezer:1', limit: '0x10' }, as(LookupDto))).rejects.toMatchObject({
      message: 'limit: must be a number',
    });
    await expect(sut.transform({ id: 'deezer:1', '': 'x' }, as(LookupDto))).rejects.toMatchObject({
      message: 'Invalid request: "": property  should not exist',
      violations: [{ field: '""' }],
    });
  });
});
