import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LoggerService, Type } from '@nestjs/common';

/**
 * Nest's own messages for a command: warnings shown, the rest dropped. A boot that fails is rethrown to the
 * command, which prints it as its one line; Nest would print it first with a stack, at error level, and a log
 * level list cannot keep warnings without errors.
 */
const COMMAND_LOGGER: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown, ...context: unknown[]) => {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    const from = context.at(-1);
    console.warn(typeof from === 'string' ? `${from}: ${text}` : text);
  },
};

/** The app's module graph without listeners, for `npm run` commands; a failed boot rejects, never exits. */
export function createCommandContext(rootModule: Type): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(rootModule, { logger: COMMAND_LOGGER, abortOnError: false });
}
