import { Controller, Get, Put } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Input, type Caller } from '@app/core';
import { UserAdminService } from '../application/user-admin.service';
import type { UserView } from '../domain/views';
import { CurrentCaller, Roles } from './auth.decorators';
import { PageDto, SetUserRoleDto } from './auth.dto';

/** Operator views; every route here requires the admin role. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class AdminController {
  constructor(private readonly admin: UserAdminService) {}

  @Get('/v1/admin/users')
  @GrpcMethod('AuthService', 'ListUsers')
  listUsers(@Input() dto: PageDto): Promise<{ users: UserView[]; total: number }> {
    return this.admin.list(dto.limit, dto.offset);
  }

  @Put('/v1/admin/users/:id/role')
  @GrpcMethod('AuthService', 'SetUserRole')
  setUserRole(@Input() dto: SetUserRoleDto, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.admin.setRole(caller, dto.id, dto.role);
  }
}
