import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountExportService } from './application/account-export.service';
import { AccountService } from './application/account.service';
import { LoginService } from './application/login.service';
import { RegisterService } from './application/register.service';
import { AuthRetention } from './application/auth-retention';
import { AuthMetrics } from './application/auth.metrics';
import { SessionService } from './application/session.service';
import { UserAdminService } from './application/user-admin.service';
import { authSettings } from './auth.settings';
import { AuthCrypto } from './application/auth-crypto';
import { BcryptWorkers } from './application/bcrypt-workers';
import { AuthGuard } from './transport/auth.guard';
import { AdminController } from './transport/admin.controller';
import { AuthController } from './transport/auth.controller';
import { MeController } from './transport/me.controller';
import { LoginAttemptEntity } from './persistence/login-attempt.entity';
import { LoginAttemptRepository } from './persistence/login-attempt.repository';
import { SessionEntity } from './persistence/session.entity';
import { SessionRepository } from './persistence/session.repository';
import { FailureCounters } from './persistence/failure-counters';
import { UserEntity } from './persistence/user.entity';
import { UserRepository } from './persistence/user.repository';
import { AccountDataRegistry } from './application/account-data.registry';
import { AccessTokenService } from './application/access-token.service';
import { LoginThrottle } from './application/login-throttle';

/**
 * Accounts, sessions and the global (opt-in) auth guard. Other libs import this module to register their data
 * with `AccountDataRegistry`; the decorators (`@Authenticated()`, `@Roles()`, `@CurrentCaller()`) need no import
 * of the module, as the guard is an APP_GUARD.
 */
@Module({
  imports: [
    ConfigModule.forFeature(authSettings),
    JwtModule.register({}),
    TypeOrmModule.forFeature([UserEntity, SessionEntity, LoginAttemptEntity]),
  ],
  controllers: [AuthController, MeController, AdminController],
  providers: [
    BcryptWorkers,
    AuthCrypto,
    UserRepository,
    SessionRepository,
    LoginAttemptRepository,
    FailureCounters,
    AccessTokenService,
    LoginThrottle,
    AuthMetrics,
    AuthRetention,
    SessionService,
    RegisterService,
    LoginService,
    AccountService,
    AccountExportService,
    UserAdminService,
    AccountDataRegistry,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [AccountDataRegistry, AccessTokenService, UserAdminService],
})
export class AuthModule {}
