import 'reflect-metadata';
import { createChorusApp, listenChorus, SettingsError, stopChorus } from '@app/core';
import { APP_OPTIONS, AppModule } from './app.module';

async function main(): Promise<void> {
  const chorus = await createChorusApp(AppModule, APP_OPTIONS);
  try {
    await listenChorus(chorus);
  } catch (error) {
    // Close what did start (pools, an embedded PostgreSQL) before reporting.
    await chorus.app.close();
    throw error;
  }
  const stop = (): void => {
    void stopChorus(chorus).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // One line an operator can act on.
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof SettingsError ? message : `Chorus failed to start: ${message}`);
  process.exit(1);
});
