import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../domain/role';

// Mirrors the migration (incl. constraint names) so `migration:generate` finds no drift. The unique index on
// lower(email) is an expression index, which TypeORM neither models nor drops.
@Entity({ name: 'auth_users' })
@Check('auth_users_email_check', 'char_length(email) BETWEEN 3 AND 254')
@Check('auth_users_role_check', "role IN ('user', 'admin')")
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored trimmed and lowercased; unique on lower(email) in the migration. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', default: 'user' })
  role!: Role;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
