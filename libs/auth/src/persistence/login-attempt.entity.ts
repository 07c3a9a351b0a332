import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

import type { LoginOutcome } from '../domain/login-outcome';

/** Every login attempt; `userId` is null when the email matched no account. */
@Entity({ name: 'auth_login_attempts' })
@Index('auth_login_attempts_user_idx', ['userId', 'at'])
// Retention deletes by age alone, which the index above cannot serve.
@Index('auth_login_attempts_at_idx', ['at'])
@Check('auth_login_attempts_outcome_check', "outcome IN ('success', 'bad_credentials', 'throttled')")
export class LoginAttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'auth_login_attempts_user_id_fkey' })
  user?: UserEntity | null;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  ip!: string;

  @Column({ name: 'user_agent', type: 'text' })
  userAgent!: string;

  @Column({ type: 'text' })
  outcome!: LoginOutcome;
}
