/**
 * `npm run openapi:lint` runs this (from dist/) to write the OpenAPI document to a file, then lints that file.
 * The app is created in preview mode: controllers and their metadata are registered, nothing is connected, so no
 * database, Redis or settings are needed. Usage: `node dist/scripts/openapi.js <file.json>`.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { buildChorusOpenApi } from '@app/core';
import { APP_OPTIONS, AppModule } from '../apps/api/src/app.module';

async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'dist/openapi.json');
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { preview: true, logger: false });
  const document = buildChorusOpenApi(app, APP_OPTIONS.routeAccess);
  await app.close();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`OpenAPI document: ${target} (${Object.keys(document.paths).length} paths)`);
}

main().catch((error: unknown) => {
  console.error(`openapi: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
