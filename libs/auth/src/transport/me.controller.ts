import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChunkStream, Input, type Caller } from '@app/core';
import { AccountExportService } from '../application/account-export.service';
import { AccountService } from '../application/account.service';
import { SessionService } from '../application/session.service';
import type { ClientInfo } from '../domain/client-info';
import type { EmptyView, LoginAttemptView, SessionView, UserView } from '../domain/views';
import { Authenticated, CurrentCaller, RequestClient } from './auth.decorators';
import { ChangePasswordDto, DeleteAccountDto, EmptyDto, PageDto, RevokeSessionDto } from './auth.dto';

const SERVICE = 'AuthService';
const EXPORT_FILENAME = 'chorus-export.json';

function toExportChunk(json: string): { json: string } {
  return { json };
}

/** The signed-in user's own account, under /v1/me. */
@ApiTags('me')
@ApiBearerAuth()
@Authenticated()
@Controller()
export class MeController {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
    private readonly exports: AccountExportService,
  ) {}

  @Get('/v1/me')
  @GrpcMethod(SERVICE, 'GetMe')
  getMe(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<UserView> {
    return this.accounts.me(caller);
  }

  @Get('/v1/me/sessions')
  @GrpcMethod(SERVICE, 'ListSessions')
  listSessions(
    @Input() _dto: EmptyDto,
    @CurrentCaller() caller: Caller,
  ): Promise<{ sessions: SessionView[]; total: number }> {
    return this.sessions.list(caller);
  }

  @Delete('/v1/me/sessions/:id')
  @HttpCode(204)
  @GrpcMethod(SERVICE, 'RevokeSession')
  async revokeSession(@Input() dto: RevokeSessionDto, @CurrentCaller() caller: Caller): Promise<EmptyView> {
    await this.sessions.revoke(caller, dto.id);
    return {};
  }

  @Post('/v1/me/password')
  @HttpCode(204)
  @GrpcMethod(SERVICE, 'ChangePassword')
  async changePassword(
    @Input() dto: ChangePasswordDto,
    @CurrentCaller() caller: Caller,
    @RequestClient() client: ClientInfo,
  ): Promise<EmptyView> {
    await this.accounts.changePassword(caller, dto.currentPassword, dto.newPassword, client);
    return {};
  }

  @Delete('/v1/me')
  @HttpCode(204)
  @GrpcMethod(SERVICE, 'DeleteAccount')
  async deleteAccount(
    @Input('body') dto: DeleteAccountDto,
    @CurrentCaller() caller: Caller,
    @RequestClient() client: ClientInfo,
  ): Promise<EmptyView> {
    await this.accounts.deleteAccount(caller, dto.password, client);
    return {};
  }

  /**
   * REST answers the export document itself (a download), written as it is read from the database; gRPC streams
   * it in chunks (StreamExport), or answers it whole (ExportData) when it fits in one message.
   */
  @Get('/v1/me/export')
  @ApiOperation({
    summary: 'Export the account',
    description:
      'Everything Chorus keeps about the account, as one JSON document to download. It is streamed: a failure ' +
      'part way cuts the connection rather than end a shorter document.',
  })
  async exportDocument(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<ChunkStream> {
    return ChunkStream.json(await this.exports.export(caller), toExportChunk, EXPORT_FILENAME);
  }

  @GrpcMethod(SERVICE, 'StreamExport')
  async streamExport(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<ChunkStream> {
    return ChunkStream.json(await this.exports.export(caller), toExportChunk);
  }

  @GrpcMethod(SERVICE, 'ExportData')
  async exportData(@Input() _dto: EmptyDto, @CurrentCaller() caller: Caller): Promise<{ json: string }> {
    return { json: await this.exports.exportWhole(caller) };
  }

  @Get('/v1/me/login-attempts')
  @GrpcMethod(SERVICE, 'ListLoginAttempts')
  async listLoginAttempts(
    @Input() dto: PageDto,
    @CurrentCaller() caller: Caller,
  ): Promise<{ attempts: LoginAttemptView[] }> {
    return { attempts: await this.accounts.loginAttempts(caller, dto.limit, dto.offset) };
  }
}
