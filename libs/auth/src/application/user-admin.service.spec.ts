import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode, type Caller } from '@app/core';
import type { Role } from '../domain/role';
import type { UserEntity } from '../persistence/user.entity';
import type { UserRepository } from '../persistence/user.repository';
import type { AuthCrypto } from './auth-crypto';
import { UserAdminService } from './user-admin.service';

const ADMIN: Caller = { id: 'a0000000-0000-4000-8000-000000000001', role: 'admin', sessionId: 's1' };
const ANN = 'a0000000-0000-4000-8000-000000000002';

class FakeUsers {
  readonly rows = new Map<string, UserEntity>();

  add(id: string, role: Role): void {
    const now = new Date(0);
    this.rows.set(id, { id, email: `${id}@example.com`, passwordHash: 'h', role, createdAt: now, updatedAt: now });
  }

  findById(id: string): Promise<UserEntity | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }

  setRole(id: string, role: Role): Promise<void> {
    (this.rows.get(id) as UserEntity).role = role;
    return Promise.resolve();
  }
}

describe(UserAdminService.name, () => {
  let users: FakeUsers;
  let sut: UserAdminService;
  let logged: string[];

  beforeEach(() => {
    users = new FakeUsers();
    users.add(ADMIN.id, 'admin');
    users.add(ANN, 'user');
    sut = new UserAdminService(users as unknown as UserRepository, {} as AuthCrypto);
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
  });

  afterEach(() => jest.restoreAllMocks());

  it('should log every role change as an audit line naming the account, the roles and the admin', async () => {
    await sut.setRole(ADMIN, ANN, 'admin');
    await sut.setRole(ADMIN, ANN, 'user');

    expect(logged).toEqual([
      `audit: role of user ${ANN} set to admin (was user) by admin ${ADMIN.id}`,
      `audit: role of user ${ANN} set to user (was admin) by admin ${ADMIN.id}`,
    ]);
    expect(users.rows.get(ANN)?.role).toBe('user');
  });

  it('should log nothing when the role is already the one asked', async () => {
    await sut.setRole(ADMIN, ANN, 'user');

    expect(logged).toEqual([]);
  });

  it("should refuse the caller's own role, changing and logging nothing", async () => {
    const error = await sut.setRole(ADMIN, ADMIN.id, 'user').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect([users.rows.get(ADMIN.id)?.role, logged]).toEqual(['admin', []]);
  });
});
