import { Equals, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageLimit, PageOffset } from '@app/core';
import { DEFAULT_PAGE } from '../application/account.service';
import { ROLES, type Role } from '../domain/role';
import { AccountEmail, AsSent, GivenPassword, NewPassword } from './validators';

export const AUTH_PAGE_MAX = 500;

/** For requests without fields: any field is unknown and refused (class-validator needs one rule to run). */
export class EmptyDto {
  @IsOptional()
  @Equals(undefined, { message: 'is not a field of this request' })
  readonly _?: undefined;
}

export class RegisterDto {
  @AccountEmail()
  email!: string;

  @NewPassword()
  password!: string;
}

export class LoginDto {
  @AccountEmail()
  email!: string;

  @GivenPassword()
  password!: string;
}

export class RefreshDto {
  @MaxLength(256)
  @MinLength(1, { message: 'must not be empty' })
  @IsString()
  @AsSent()
  refreshToken!: string;
}

export class RevokeSessionDto {
  @IsUUID('all', { message: 'must be a session id (UUID)' })
  @IsString()
  id!: string;
}

export class ChangePasswordDto {
  @GivenPassword()
  currentPassword!: string;

  @NewPassword()
  newPassword!: string;
}

export class DeleteAccountDto {
  @GivenPassword()
  password!: string;
}

/** Login history and the admin's user list: longer pages than the library's, kept from the first release. */
export class PageDto {
  @PageLimit({ max: AUTH_PAGE_MAX, default: DEFAULT_PAGE })
  limit?: number;

  @PageOffset()
  offset?: number;
}

export class SetUserRoleDto {
  @IsUUID('all', { message: 'must be a user id (UUID)' })
  @IsString()
  id!: string;

  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role!: Role;
}
