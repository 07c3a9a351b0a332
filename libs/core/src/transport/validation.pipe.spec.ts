import type { ArgumentMetadata } from '@nestjs/common';
import { IsString, Matches, registerDecorator } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe, MemoizedValidation } from './validation.pipe';

let checks = 0;

/** A pure validator that counts how often class-validator really ran it. */
function Counted(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'counted',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: () => {
          checks += 1;
          return true;
        },
      },
    });
}

@MemoizedValidation()
class LookupDto {
  @IsString()
  @Matches(/^[a-z]+:\w+$/)
  @Counted()
  id!: string;
}

class CredentialsDto {
  @IsString()
  @Counted()
  password!: string;
}

const as = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'custom', metatype });

describe('validation pipe', () => {
  beforeEach(() => (checks = 0));

  it('should validate a memoized DTO once per distinct input and hand out a fresh instance each time', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ id: 'deezer:1' }, as(LookupDto))) as LookupDto;
    first.id = 'changed by a handler';
    const second = (await pipe.transform({ id: 'deezer:1' }, as(LookupDto))) as LookupDto;
    expect(second).toBeInstanceOf(LookupDto);
    expect(second).not.toBe(first);
    expect(second.id).toBe('deezer:1');
    expect(checks).toBe(1);
    await pipe.transform({ id: 'deezer:2' }, as(LookupDto));
    expect(checks).toBe(2);
  });

  it('should refuse a bad input every time, never from memory', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform({ id: 'no colon' }, as(LookupDto))).rejects.toBeInstanceOf(DomainError);
      await expect(pipe.transform({ id: 'deezer:1', extra: 1 }, as(LookupDto))).rejects.toBeInstanceOf(DomainError);
    }
  });

  it('should validate every call of a DTO that is not marked, such as credentials', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({ password: 'secret one' }, as(CredentialsDto));
    await pipe.transform({ password: 'secret one' }, as(CredentialsDto));
    expect(checks).toBe(2);
  });
});
