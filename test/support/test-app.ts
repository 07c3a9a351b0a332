import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChorusApp, listenChorus, resetSettingsCache, stopChorus, type ChorusApp } from '@app/core';
import { APP_OPTIONS, AppModule } from '../../apps/api/src/app.module';
import { createTestDatabase, type TestDatabase } from './database';
import { SHARED_REDIS_URL } from './env';
import { freePort } from './ports';

export interface TestApp {
  chorus: ChorusApp;
  httpUrl: string;
  grpcAddress: string;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule (both transports) in this process on free ports, against a fresh database and the
 * shared Redis under a key prefix of its own. Extra settings override the defaults.
 */
export async function bootTestApp(settings: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const httpPort = await freePort();
  const grpcPort = await freePort();
  // Each app keeps its files (the cover store) in a folder of its own, unless the test shares one on purpose.
  const dataDir = settings.DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), 'chorus-data-')) : undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir ?? '',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: `test:${db.name}:`,
    // The 50 ms production budget turns a scheduler hiccup on a loaded CI box into a "Redis down" fallback, which
    // would make tests of where things are kept flaky. Outage tests set their own short budget.
    REDIS_TIMEOUT_MS: '1000',
    HTTP_HOST: '127.0.0.1',
    GRPC_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(grpcPort),
    ...settings,
  };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) {
    if (value === '') {
      delete process.env[key];
    }
  }
  resetSettingsCache();
  const chorus = await createChorusApp(AppModule, APP_OPTIONS);
  await listenChorus(chorus);
  return {
    chorus,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    database: db,
    close: async () => {
      await stopChorus(chorus);
      if (!database) {
        await db.drop();
      }
      if (dataDir !== undefined) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
