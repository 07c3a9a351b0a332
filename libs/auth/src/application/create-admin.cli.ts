import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainError, resetSettingsCache } from '@app/core';
import { UserAdminService } from './user-admin.service';

export const CREATE_ADMIN_USAGE = 'usage: npm run user:create-admin -- --email <email> --password <password>';

export function parseCreateAdminArgs(argv: string[]): { email: string; password: string } {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const email = value('--email');
  const password = value('--password');
  if (!email || !password) {
    throw new Error(CREATE_ADMIN_USAGE);
  }
  return { email, password };
}

/**
 * `npm run user:create-admin`: boots the app's module graph without listeners (migrations run as at boot) and
 * creates the admin, or promotes the existing account with that email. Returns the line to print.
 */
export async function createAdminCli(rootModule: Type, argv: string[]): Promise<string> {
  const { email, password } = parseCreateAdminArgs(argv);
  process.env.LOG_LEVEL ??= 'warn';
  resetSettingsCache();
  const app = await NestFactory.createApplicationContext(rootModule, { logger: ['error', 'warn'] });
  try {
    const { user, created } = await app.get(UserAdminService).createAdmin(email, password);
    return created ? `created admin ${user.email} (${user.id})` : `promoted existing account ${user.email} to admin`;
  } catch (error) {
    if (error instanceof DomainError) {
      throw new Error(error.violations.map((v) => `${v.field} ${v.message}`).join('; ') || error.message, {
        cause: error,
      });
    }
    throw error;
  } finally {
    await app.close();
  }
}
