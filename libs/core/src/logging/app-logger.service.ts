import { Injectable, type LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { StartupError } from '../lifecycle/startup-error';
import { currentTraceId } from '../tracing/tracing';
import { requestContext } from './request-context';

/** Paths pino blanks out wherever they appear in a logged object. */
const REDACT = [
  'password',
  'newPassword',
  'currentPassword',
  'accessToken',
  'refreshToken',
  'token',
  'authorization',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

export interface RootLoggers {
  app: Logger;
  /** Access lines: a fixed set of fields, none of them secret, the request id among them. */
  access: Logger;
}

function traceOnly(): { traceId?: string } {
  const traceId = currentTraceId();
  return traceId ? { traceId } : {};
}

/**
 * JSON lines on stdout, written asynchronously: several lines per write under load, flushed on exit (a hard kill
 * may lose the last few). Writing each line before going on costs every request a syscall.
 */
export function createRootLoggers(level: string): RootLoggers {
  const destination = pino.destination({ dest: 1, sync: false });
  const common = {
    level,
    base: { service: 'chorus' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const app = pino(
    {
      ...common,
      redact: { paths: REDACT, censor: '[redacted]' },
      mixin() {
        const context = requestContext.current();
        if (!context) {
          return traceOnly();
        }
        // traceId: undefined (and skipped by JSON) unless tracing is on and the line is logged in a traced call.
        return {
          requestId: context.requestId,
          ...(context.userId ? { userId: context.userId } : {}),
          traceId: currentTraceId(),
        };
      },
    },
    destination,
  );
  // Access lines skip the redaction pass and the request-context mixin (their fields are fixed and carry the
  // request id): with both, one logged warm lookup cost a third more CPU (bench/README.md).
  const access = pino({ ...common, mixin: traceOnly }, destination);
  return { app, access };
}

/** Nest's LoggerService on top of pino: JSON lines, with the request id of the current call on each. */
@Injectable()
export class AppLogger implements LoggerService {
  constructor(
    readonly pino: Logger,
    readonly access: Logger,
  ) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }

  error(message: unknown, traceOrContext?: string, context?: string): void {
    const ctx = context ?? traceOrContext;
    const stack = context ? traceOrContext : undefined;
    if (message instanceof StartupError) {
      // A known cause with its remedy (Nest's ExceptionHandler logs it before main.ts prints the one line): a
      // stack would only make a second `npm start` or a taken port look like a crash.
      this.pino.error({ context: ctx }, message.message);
      return;
    }
    if (message instanceof Error) {
      this.pino.error({ context: ctx, err: message }, message.message);
      return;
    }
    if (typeof message === 'object' && message !== null) {
      this.pino.error({ context: ctx, ...message });
      return;
    }
    this.pino.error({ context: ctx, ...(stack ? { stack } : {}) }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  child(context: string): Logger {
    return this.pino.child({ context });
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) {
      this.pino[level]({ context, ...message });
      return;
    }
    this.pino[level]({ context }, String(message));
  }
}
