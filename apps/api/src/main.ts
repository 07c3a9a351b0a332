import 'reflect-metadata';
import { createChorusApp, listenChorus, startFailureLine, stopChorus, type ChorusApp } from '@app/core';
import { APP_OPTIONS, AppModule } from './app.module';

/** Until Chorus listens, anything thrown (even an 'error' event nobody handles) ends the start in one line. */
function failStart(error: unknown): never {
  console.error(startFailureLine(error));
  process.exit(1);
}

async function main(): Promise<void> {
  process.on('uncaughtException', failStart);
  let chorus: ChorusApp | undefined;
  try {
    chorus = await createChorusApp(AppModule, APP_OPTIONS);
    await listenChorus(chorus);
  } catch (error) {
    // Close what did start (pools, an embedded PostgreSQL) before reporting.
    await chorus?.app.close().catch(() => undefined);
    failStart(error);
  }
  process.removeListener('uncaughtException', failStart);
  const started = chorus;
  const stop = (): void => {
    void stopChorus(started).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
