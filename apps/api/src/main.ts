import 'reflect-metadata';
import { constants } from 'node:os';
import { createChorusApp, listenChorus, startFailureLine, stopChorus, type ChorusApp } from '@app/core';
import { APP_OPTIONS, AppModule } from './app.module';

/** Until Chorus listens, anything thrown (even an 'error' event nobody handles) ends the start in one line. */
function failStart(error: unknown): never {
  console.error(startFailureLine(error));
  process.exit(1);
}

/** Ctrl-C, `kill`, a closed terminal. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Before Chorus listens: exit at once, with one line and the code a shell gives a command a signal ended
 * (128 + its number: 130 for Ctrl-C), so scripts tell an interrupted start from a failed one (1). process.exit
 * (unlike dying of the signal) runs 'exit' listeners, which tell the embedded PostgreSQL (in a process group of its
 * own) to go too.
 */
function exitNow(signal: NodeJS.Signals): void {
  console.error(`Chorus stopped before start-up finished (${signal})`);
  process.exit(128 + (constants.signals[signal] ?? 0));
}

async function main(): Promise<void> {
  process.on('uncaughtException', failStart);
  STOP_SIGNALS.forEach((signal) => process.on(signal, exitNow));
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
  let stopping = false;
  const stop = (): void => {
    // Signals often come in pairs (npm and the demo forward the terminal's Ctrl-C to a process that got it too):
    // only the first counts, and SHUTDOWN_TIMEOUT_MS bounds the stop. Still listening keeps Node from dying of
    // the next one with the embedded PostgreSQL left running.
    if (stopping) {
      return;
    }
    stopping = true;
    void stopChorus(started).then((clean) => process.exit(clean ? 0 : 1));
  };
  STOP_SIGNALS.forEach((signal) => process.removeListener(signal, exitNow).on(signal, stop));
}

void main();
