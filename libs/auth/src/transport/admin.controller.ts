import { Controller, Get } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Input } from '@app/core';
import { UserAdminService } from '../application/user-admin.service';
import type { UserView } from '../domain/views';
import { Roles } from './auth.decorators';
import { PageDto } from './auth.dto';

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
}
