import { Transform } from 'class-transformer';
import { Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { AppSettings, defineSettings, IntSetting, parseSettings } from '@app/core';
import { SecretValue } from './domain/secret-value';

export const MIN_SECRET_BYTES = 32;

/** Outside development (and test) the secret is required; when given, it must be long enough everywhere. */
@ValidatorConstraint({ name: 'jwtSecret' })
export class JwtSecretConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!(value instanceof SecretValue)) {
      return false;
    }
    if (value.byteLength === 0) {
      return parseSettings(AppSettings).NODE_ENV !== 'production';
    }
    return value.byteLength >= MIN_SECRET_BYTES;
  }

  defaultMessage(): string {
    return `is required when NODE_ENV=production and must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`;
  }
}

/** The previous key is optional; when given it must be as strong as the current one. */
@ValidatorConstraint({ name: 'previousJwtSecret' })
export class PreviousJwtSecretConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value instanceof SecretValue && (value.byteLength === 0 || value.byteLength >= MIN_SECRET_BYTES);
  }

  defaultMessage(): string {
    return `must be empty or at least ${MIN_SECRET_BYTES} bytes`;
  }
}

// `obj[key]` is the value as given: class-transformer would copy a SecretValue default into a plain shell.
const toSecret = ({ obj, key }: { obj: Record<string, unknown>; key: string }): SecretValue => {
  const given = obj[key];
  if (given instanceof SecretValue) {
    return given;
  }
  return new SecretValue(typeof given === 'string' ? given : '');
};

export class AuthSettings {
  /** HMAC key of the access tokens (HS256). Empty in development: a random key per process. */
  // `obj[key]` is the value as given: class-transformer would copy a SecretValue default into a plain shell.
  @Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const given = obj[key];
    if (given instanceof SecretValue) {
      return given;
    }
    return new SecretValue(typeof given === 'string' ? given : '');
  })
  @Validate(JwtSecretConstraint)
  AUTH_JWT_SECRET: SecretValue = new SecretValue('');

  /** The key being rotated out: still accepted when verifying, never used to sign (see docs/operations.md). */
  @Transform(toSecret)
  @Validate(PreviousJwtSecretConstraint)
  AUTH_JWT_PREVIOUS_SECRET: SecretValue = new SecretValue('');

  /** Access token lifetime in seconds; also the longest a revoked session's token could live without the session check. */
  @IntSetting(30, 86_400)
  AUTH_ACCESS_TTL = 900;

  /** Refresh token (session) lifetime in seconds; 30 days by default. */
  @IntSetting(60, 31_536_000)
  AUTH_REFRESH_TTL = 2_592_000;

  @IntSetting(4, 15)
  AUTH_BCRYPT_COST = 12;

  /**
   * bcrypt hashes at once, on worker threads of their own; more logins wait in a queue. 0: the cores this process
   * may run on (os.availableParallelism(), which follows CPU affinity: a process pinned to one core gets one).
   */
  @IntSetting(0, 256)
  AUTH_HASH_CONCURRENCY = 0;

  /**
   * Failed logins per account (email) within the window; past it, addresses that failed on the account are refused
   * on it, while a clean address is only delayed (an owner is never locked out by someone else's guesses).
   */
  @IntSetting(1, 1_000_000)
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  /** Failed logins per client address within the window, on any accounts, before the address is refused on all. */
  @IntSetting(1, 1_000_000)
  AUTH_LOGIN_MAX_FAILURES_PER_IP = 50;

  @IntSetting(1, 86_400)
  AUTH_LOGIN_WINDOW_SECONDS = 900;

  /** Registrations per client IP within the registration window. */
  @IntSetting(1, 1_000_000)
  AUTH_REGISTER_MAX_PER_IP = 20;

  @IntSetting(1, 86_400)
  AUTH_REGISTER_WINDOW_SECONDS = 3_600;

  /** Days login attempts are kept (the user's login history); the scheduled retention cleanup deletes older ones. */
  @IntSetting(1, 3_650)
  AUTH_LOGIN_HISTORY_DAYS = 90;
}

/** Registering never proved an email was the registrant's, so a listed email made whoever registered it first admin. */
const REMOVED_AUTH_SETTINGS = {
  AUTH_ADMIN_EMAILS:
    "registering a listed email no longer makes an admin; unset it, and make admins with `npm run user:create-admin -- --email <email> [--promote-existing]` or an admin's PUT /v1/admin/users/{id}/role",
};

export const authSettings = defineSettings('auth', AuthSettings, REMOVED_AUTH_SETTINGS);
