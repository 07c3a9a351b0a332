import type { Type } from '@nestjs/common';
import { commandInput, createCommandContext, DomainError, readSecretLine, resetSettingsCache } from '@app/core';
import { UserAdminService } from './user-admin.service';

/** Where a script gives the new admin's password instead of stdin (never a declared setting: the app never reads it). */
export const ADMIN_PASSWORD_VARIABLE = 'AUTH_ADMIN_PASSWORD';

export const CREATE_ADMIN_USAGE =
  'usage: npm run user:create-admin -- --email <email> [--promote-existing]; the password is read from stdin ' +
  `(typed without echo, or piped) or from ${ADMIN_PASSWORD_VARIABLE}, never from the command line`;

export interface CreateAdminArgs {
  email: string;
  /** Without it an existing account is refused: making someone admin is said explicitly, never implied. */
  promoteExisting: boolean;
}

/** Where the new admin's password comes from. */
export interface AdminPasswordSource {
  readPassword(): Promise<string>;
}

/** As an operator gives it: the environment variable when set, else stdin. */
export const OPERATOR_PASSWORD: AdminPasswordSource = {
  readPassword: async () => commandInput(ADMIN_PASSWORD_VARIABLE) ?? (await readSecretLine('Password: ')),
};

// Arguments are never echoed back: a misplaced password would end up in the error output.
export function parseCreateAdminArgs(argv: string[]): CreateAdminArgs {
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new Error(
      `--password is not accepted: a password on the command line shows in ps and the shell history; pipe it on stdin or set ${ADMIN_PASSWORD_VARIABLE}`,
    );
  }
  let email: string | undefined;
  let promoteExisting = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--email' && i + 1 < argv.length) {
      email = argv[++i];
    } else if (argv[i].startsWith('--email=')) {
      email = argv[i].slice('--email='.length);
    } else if (argv[i] === '--promote-existing') {
      promoteExisting = true;
    } else {
      throw new Error(`unexpected argument #${i + 1}; ${CREATE_ADMIN_USAGE}`);
    }
  }
  if (!email) {
    throw new Error(CREATE_ADMIN_USAGE);
  }
  return { email, promoteExisting };
}

async function createOrPromote(admin: UserAdminService, args: CreateAdminArgs, source: AdminPasswordSource) {
  const existing = await admin.findByEmail(args.email);
  if (existing) {
    if (!args.promoteExisting) {
      throw new Error(
        `an account with email ${existing.email} already exists; nothing changed (to make it admin, run again with --promote-existing: its password stays as it is)`,
      );
    }
    await admin.promoteExisting(existing.id);
    return `promoted existing account ${existing.email} (${existing.id}) to admin; its password was not changed`;
  }
  const password = await source.readPassword();
  if (password === '') {
    throw new Error(`no password given; ${CREATE_ADMIN_USAGE}`);
  }
  const user = await admin.createAdmin(args.email, password);
  return `created admin ${user.email} (${user.id})`;
}

/**
 * `npm run user:create-admin`: boots the app's module graph without listeners (migrations run as at boot) and
 * creates the admin, or promotes the existing account when asked to. Returns the line to print.
 */
export async function createAdminCli(
  rootModule: Type,
  argv: string[],
  source: AdminPasswordSource = OPERATOR_PASSWORD,
): Promise<string> {
  const args = parseCreateAdminArgs(argv);
  process.env.LOG_LEVEL ??= 'warn';
  resetSettingsCache();
  const app = await createCommandContext(rootModule);
  try {
    return await createOrPromote(app.get(UserAdminService), args, source);
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
