import { Controller, HttpCode, Post } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiBearerAuth, ApiConflictResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Input, type Caller } from '@app/core';
import { LoginService } from '../application/login.service';
import { RegisterService } from '../application/register.service';
import { SessionService } from '../application/session.service';
import type { ClientInfo } from '../domain/client-info';
import type { AuthResponseView, EmptyView, TokenPairView } from '../domain/views';
import { Authenticated, CurrentCaller, RequestClient } from './auth.decorators';
import { EmptyDto, LoginDto, RefreshDto, RegisterDto } from './auth.dto';

const SERVICE = 'AuthService';

/** Sign-up, sign-in and the token lifecycle: REST under /v1/auth and gRPC chorus.v1.AuthService. */
@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly registration: RegisterService,
    private readonly logins: LoginService,
    private readonly sessions: SessionService,
  ) {}

  @Post('/v1/auth/register')
  @HttpCode(201)
  @ApiConflictResponse({ description: 'An account with this email already exists' })
  @ApiTooManyRequestsResponse()
  @GrpcMethod(SERVICE, 'Register')
  register(@Input() dto: RegisterDto, @RequestClient() client: ClientInfo): Promise<AuthResponseView> {
    return this.registration.register(dto, client);
  }

  @Post('/v1/auth/login')
  @HttpCode(200)
  @ApiTooManyRequestsResponse()
  @GrpcMethod(SERVICE, 'Login')
  login(@Input() dto: LoginDto, @RequestClient() client: ClientInfo): Promise<AuthResponseView> {
    return this.logins.login(dto, client);
  }

  @Post('/v1/auth/refresh')
  @HttpCode(200)
  @GrpcMethod(SERVICE, 'Refresh')
  refresh(@Input() dto: RefreshDto): Promise<TokenPairView> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Post('/v1/auth/logout')
  @HttpCode(204)
  @Authenticated()
  @ApiBearerAuth()
  @GrpcMethod(SERVICE, 'Logout')
  async logout(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.sessions.logout(caller);
    return {};
  }

  @Post('/v1/auth/logout-everywhere')
  @HttpCode(204)
  @Authenticated()
  @ApiBearerAuth()
  @GrpcMethod(SERVICE, 'LogoutEverywhere')
  async logoutEverywhere(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.sessions.logoutEverywhere(caller);
    return {};
  }
}
