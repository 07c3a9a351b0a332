import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createValidationPipe } from '@app/core';
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

describe('the validation pipe on credentials', () => {
  const pipe = createValidationPipe();
  // The same pipe without its plan: class-transformer and class-validator judge every input.
  const reference = createValidationPipe();
  Object.defineProperty(reference, 'plans', { value: { accept: () => undefined } });
  const plans = (pipe as unknown as { plans: { accept(value: unknown, metatype: unknown): object | undefined } }).plans;
  const outcome = (promise: Promise<unknown>): Promise<{ value: unknown } | { error: unknown }> =>
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const field = fc.oneof(
    fc.emailAddress().map((email) => ` ${email.toUpperCase()} `),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
  );

  it.each([
    ['LoginDto', LoginDto],
    ['RegisterDto', RegisterDto],
  ])('should judge %s without class-validator, as it would', async (_name, metatype) => {
    expect(plans.accept({ email: ' Ann@Example.COM ', password: 'correct horse' }, metatype)).toEqual(
      Object.assign(new metatype(), { email: 'ann@example.com', password: 'correct horse' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.record({ email: field, password: field }, { requiredKeys: [] }), async (input) => {
        const meta = { type: 'body' as const, metatype };
        expect(await outcome(pipe.transform({ ...input }, meta))).toStrictEqual(
          await outcome(reference.transform({ ...input }, meta)),
        );
      }),
    );
  });
});
