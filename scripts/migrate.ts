import 'reflect-metadata';
import { resolve } from 'node:path';
import { migrationCli } from '@app/core';
import { AppModule } from '../apps/api/src/app.module';

// Compiled to dist/scripts; new migration files go to the source folder.
migrationCli(AppModule, process.argv.slice(2), resolve(__dirname, '..', '..', 'migrations')).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
