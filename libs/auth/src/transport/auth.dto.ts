import { Equals, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ROLES, type Role } from '../domain/role';
import { AccountEmail, AsSent, GivenPassword, NewPassword } from './validators';

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

export class PageDto {
  @IsOptional()
  @Max(500)
  @Min(0)
  @IsInt()
  limit?: number;

  @IsOptional()
  @Max(1_000_000)
  @Min(0)
  @IsInt()
  offset?: number;
}

export class SetUserRoleDto {
  @IsUUID('all', { message: 'must be a user id (UUID)' })
  @IsString()
  id!: string;

  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role!: Role;
}
