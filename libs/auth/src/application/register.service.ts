import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/core';
import { AuthCrypto } from './auth-crypto';
import type { ClientInfo } from '../domain/client-info';
import { toUserView, type AuthResponseView } from '../domain/views';
import { EmailTakenError, UserRepository } from '../persistence/user.repository';
import { LoginThrottle } from './login-throttle';
import { SessionService } from './session.service';

export interface Credentials {
  /** Already trimmed and lowercased by the DTO. */
  email: string;
  password: string;
}

@Injectable()
export class RegisterService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
    private readonly crypto: AuthCrypto,
    private readonly throttle: LoginThrottle,
  ) {}

  /** A new `user` account (never an admin) and its first session. */
  async register(credentials: Credentials, client: ClientInfo): Promise<AuthResponseView> {
    await this.throttle.consumeRegistration(client.ip);
    const passwordHash = await this.crypto.hashPassword(credentials.password);
    try {
      const user = await this.users.create(credentials.email, passwordHash);
      const tokens = await this.sessions.open(user.id, user.role, client);
      return { user: toUserView(user), tokens };
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, 'An account with this email already exists');
      }
      throw error;
    }
  }
}
