import type { LoginAttemptEntity } from '../persistence/login-attempt.entity';
import type { SessionEntity } from '../persistence/session.entity';
import type { UserEntity } from '../persistence/user.entity';

/** The JSON forms of the chorus.v1 messages (camelCase), identical over REST and gRPC. */
export interface UserView {
  id: string;
  email: string;
  role: string;
  createdAt: string;
}

export interface TokenPairView {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresAt: string;
}

export interface AuthResponseView {
  user: UserView;
  tokens: TokenPairView;
}

export interface SessionView {
  id: string;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}

export interface LoginAttemptView {
  at: string;
  ip: string;
  userAgent: string;
  outcome: string;
}

// Empty messages answer `{}`; a type alias keeps handler signatures self-describing.
export type EmptyView = Record<string, never>;

export function toUserView(user: Pick<UserEntity, 'id' | 'email' | 'role' | 'createdAt'>): UserView {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function toSessionView(session: SessionEntity, currentSessionId?: string): SessionView {
  return {
    id: session.id,
    userAgent: session.userAgent,
    ip: session.ip,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    current: session.id === currentSessionId,
  };
}

export function toLoginAttemptView(attempt: LoginAttemptEntity): LoginAttemptView {
  return { at: attempt.at.toISOString(), ip: attempt.ip, userAgent: attempt.userAgent, outcome: attempt.outcome };
}
