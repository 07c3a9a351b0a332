import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, registerDecorator, type ValidationOptions } from 'class-validator';

export const PASSWORD_MIN_BYTES = 8;
/** bcrypt ignores everything after 72 bytes; longer passwords are refused rather than silently truncated. */
export const PASSWORD_MAX_BYTES = 72;
export const EMAIL_MAX_LENGTH = 254;

/**
 * The global pipe converts implicitly (query strings are all strings), which would turn a JSON number into a
 * string password. Credentials must arrive as strings, so these fields validate the value as it was sent.
 */
export function AsSent(map: (value: unknown) => unknown = (value) => value): PropertyDecorator {
  return Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => map(obj[key]));
}

function byteLength(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : -1;
}

export function PasswordBytes(min: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'passwordBytes',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message:
          min > 1
            ? `must be ${min} to ${PASSWORD_MAX_BYTES} bytes long (UTF-8); longer passwords are not truncated, choose a shorter one`
            : `must not be empty and at most ${PASSWORD_MAX_BYTES} bytes long (UTF-8)`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => byteLength(value) >= min && byteLength(value) <= PASSWORD_MAX_BYTES,
      },
    });
  };
}

/** A new password: a string of 8 to 72 UTF-8 bytes. */
export function NewPassword(): PropertyDecorator {
  return (target, key) => {
    AsSent()(target, key);
    IsString({ message: 'must be a string' })(target, key);
    PasswordBytes(PASSWORD_MIN_BYTES)(target, key);
  };
}

/** A password being checked: any non-empty string a registration could have produced. */
export function GivenPassword(): PropertyDecorator {
  return (target, key) => {
    AsSent()(target, key);
    IsString({ message: 'must be a string' })(target, key);
    PasswordBytes(1)(target, key);
  };
}

/** Trimmed and lowercased before validation, so ` Ann@Example.COM ` and `ann@example.com` are one account. */
export function AccountEmail(): PropertyDecorator {
  return (target, key) => {
    AsSent((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value))(target, key);
    // Registered in the order they run; the pipe stops at the first failure of a field.
    IsString({ message: 'must be a string' })(target, key);
    MaxLength(EMAIL_MAX_LENGTH, { message: `must be at most ${EMAIL_MAX_LENGTH} characters` })(target, key);
    IsEmail({}, { message: 'must be a valid email address' })(target, key);
  };
}
