import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { dtoFields } from './dto-schema';

class ExampleDto {
  @ApiProperty({ description: 'The thing', example: 'abc' })
  @IsString()
  @Length(1, 100)
  id!: string;

  @IsIn(['a', 'b'])
  kind!: 'a' | 'b';

  @Type(() => Number)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 10;

  @IsUUID('all')
  @IsOptional()
  owner?: string;

  @IsArray()
  @ArrayMaxSize(3)
  @IsString({ each: true })
  @Length(1, 10, { each: true })
  tags!: string[];

  @IsOptional()
  @Matches(/^[a-z]+$/i)
  flagged?: string;

  @IsOptional()
  @Equals(undefined)
  readonly _?: undefined;
}

describe(dtoFields.name, () => {
  const sut = dtoFields;

  it('should describe each validated field with its type, constraints, default and documentation', () => {
    const fields = Object.fromEntries(sut(ExampleDto).map((field) => [field.name, field]));
    expect(fields.id).toEqual({
      name: 'id',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: 100, description: 'The thing', example: 'abc' },
    });
    expect(fields.kind.schema).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(fields.limit).toEqual({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
    });
    expect(fields.owner).toEqual({ name: 'owner', required: false, schema: { type: 'string', format: 'uuid' } });
    expect(fields.tags.schema).toEqual({
      type: 'array',
      maxItems: 3,
      items: { type: 'string', minLength: 1, maxLength: 10 },
    });
  });

  it('should leave out refusal-only markers and patterns JSON Schema cannot express', () => {
    const fields = sut(ExampleDto);
    expect(fields.map((field) => field.name)).not.toContain('_');
    expect(fields.find((field) => field.name === 'flagged')?.schema).toEqual({ type: 'string' });
  });
});
