import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { LoginDto, RegisterDto } from './auth.dto';

function violations(cls: typeof RegisterDto | typeof LoginDto, plain: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(cls, plain, { enableImplicitConversion: true }), {
    stopAtFirstError: true,
  });
  return errors.map((e) => e.property);
}

describe(RegisterDto.name, () => {
  it('should accept exactly the passwords of 8 to 72 UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), (password) => {
        const bytes = Buffer.byteLength(password, 'utf8');
        const valid = bytes >= 8 && bytes <= 72;
        expect(violations(RegisterDto, { email: 'a@example.com', password })).toEqual(valid ? [] : ['password']);
      }),
    );
  });

  it('should trim and lowercase the email', () => {
    const dto = plainToInstance(RegisterDto, { email: '  Ann@Example.COM ', password: 'x'.repeat(8) });
    expect(dto.email).toBe('ann@example.com');
  });

  it('should refuse non-string credentials instead of converting them', () => {
    expect(violations(RegisterDto, { email: 'a@example.com', password: 12_345_678 })).toEqual(['password']);
    expect(violations(LoginDto, { email: 42, password: 'whatever1' })).toEqual(['email']);
  });

  it('should refuse emails longer than 254 characters', () => {
    expect(
      violations(RegisterDto, { email: `${'a'.repeat(64)}@${'b'.repeat(190)}.com`, password: 'x'.repeat(8) }),
    ).toEqual(['email']);
  });
});
