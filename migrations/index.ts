import type { MigrationInterface } from 'typeorm';
import { AuthSchema1795435030747 } from './1795435030747-auth';
import { CatalogSchema1795000000000 } from './1795000000000-catalog';
import { LibrarySchema1796000000000 } from './1796000000000-library';
import { AuthRateLimits1797000019000 } from './1797000019000-auth-rate-limits';
import { CrossReferences1798000018100 } from './1798000018100-cross-references';
import { CatalogExtras1798000018300 } from './1798000018300-catalog-extras';
import { LibraryImports1798000018400 } from './1798000018400-library-imports';
import { LoginAttemptsAtIndex1799000020100 } from './1799000020100-login-attempts-at-index';

/** Every migration, in order; the app and `npm run migration:*` both read this list. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CatalogSchema1795000000000,
  AuthSchema1795435030747,
  LibrarySchema1796000000000,
  AuthRateLimits1797000019000,
  CrossReferences1798000018100,
  CatalogExtras1798000018300,
  LibraryImports1798000018400,
  LoginAttemptsAtIndex1799000020100,
];
