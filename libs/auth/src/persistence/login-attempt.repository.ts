import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { LoginAttemptEntity, type LoginOutcome } from './login-attempt.entity';

export interface NewLoginAttempt {
  userId: string | null;
  at: Date;
  ip: string;
  userAgent: string;
  outcome: LoginOutcome;
}

@Injectable()
export class LoginAttemptRepository {
  constructor(@InjectRepository(LoginAttemptEntity) private readonly attempts: Repository<LoginAttemptEntity>) {}

  async record(attempt: NewLoginAttempt): Promise<void> {
    await this.attempts.insert(attempt);
  }

  listByUser(userId: string, limit: number, offset: number): Promise<LoginAttemptEntity[]> {
    return this.attempts.find({ where: { userId }, order: { at: 'DESC' }, take: limit, skip: offset });
  }
}
