import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createCommandContext } from '../cli/cli-context';
import { resetSettingsCache } from '../config/settings';
import { MigrationRunner } from './migration.runner';

type Command = 'run' | 'revert' | 'show' | 'generate';

function migrationSource(name: string, timestamp: number, up: string[], down: string[]): string {
  const indent = (queries: string[]): string =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${indent(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${indent(down)}
  }
}
`;
}

async function generate(dataSource: DataSource, name: string, dir: string): Promise<string> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) {
    return 'no changes: the entities match the database';
  }
  const timestamp = Date.now();
  const file = join(
    dir,
    `${timestamp}-${name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}.ts`,
  );
  const up = sql.upQueries.map((q) => q.query);
  const down = sql.downQueries.map((q) => q.query).reverse();
  writeFileSync(file, migrationSource(name, timestamp, up, down));
  return `wrote ${file}; add it to migrations/index.ts`;
}

/**
 * `npm run migration:*`: boots the app's module graph without listeners or boot-time migrations and acts on
 * the same DataSource the app uses (so the embedded PostgreSQL works here too).
 */
export async function migrationCli(rootModule: Type, argv: string[], migrationsDir: string): Promise<void> {
  const [command, name] = argv as [Command | undefined, string | undefined];
  process.env.DB_SKIP_MIGRATIONS = 'true';
  process.env.LOG_LEVEL ??= 'warn';
  resetSettingsCache();
  const app = await createCommandContext(rootModule);
  const dataSource = app.get(DataSource);
  try {
    switch (command) {
      case 'run':
        console.log(`applied: ${(await app.get(MigrationRunner).run(dataSource)).join(', ') || 'nothing pending'}`);
        break;
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        console.log('reverted the last migration');
        break;
      case 'show':
        console.log((await dataSource.showMigrations()) ? 'pending migrations exist' : 'up to date');
        break;
      case 'generate':
        console.log(await generate(dataSource, name ?? 'Change', migrationsDir));
        break;
      case undefined:
      default:
        throw new Error('usage: migrate run | revert | show | generate <PascalCaseName>');
    }
  } finally {
    await app.close();
  }
}
