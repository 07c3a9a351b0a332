import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { parseSettings } from '../config/settings';
import type { createTracingSdk as CreateTracingSdk, TracingRuntime } from './tracing.sdk';
import { tracesEndpoint, TracingSettings } from './tracing.settings';

const TRACER_NAME = 'chorus';

let running: TracingRuntime | undefined;

/** True once startTracing() installed an SDK; every manual span is skipped (not even created) otherwise. */
export function isTracingEnabled(): boolean {
  return running !== undefined;
}

/**
 * Starts OpenTelemetry when a traces endpoint is set and OTEL_SDK_DISABLED is not (see tracing.sdk.ts). It must run before the
 * instrumented libraries (http, grpc-js, pg) are loaded, which is why the first import of @app/core runs it
 * (tracing.preload.ts). Idempotent; returns whether tracing is on.
 */
export function startTracing(settings: TracingSettings = parseSettings(TracingSettings)): boolean {
  if (running || tracesEndpoint(settings) === undefined) {
    return running !== undefined;
  }
  // A lazy, synchronous load: with tracing off the SDK never enters memory, and with it on the hooks are in
  // place before the next `require` of an instrumented library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./tracing.sdk') as { createTracingSdk: typeof CreateTracingSdk };
  running = sdk.createTracingSdk(settings);
  return true;
}

/** Flushes the spans still buffered (on graceful stop) and turns tracing off. */
export async function shutdownTracing(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.shutdown();
}

/**
 * Runs `fn` in a child span of the current one (cache lookups, provider calls). With tracing off it only
 * calls `fn`: no span object, no context switch.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!running) {
    return fn();
  }
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks the current span with an attribute (e.g. `user.id` once the caller is known); no-op when off. */
export function setSpanAttribute(key: string, value: string): void {
  if (running) {
    trace.getActiveSpan()?.setAttribute(key, value);
  }
}

/** Names the current server span after the route template (`GET /v1/artists/:id`); no-op when off. */
export function nameActiveSpan(name: string, attributes: Attributes): void {
  if (running) {
    const span = trace.getActiveSpan();
    span?.updateName(name);
    span?.setAttributes(attributes);
  }
}

/** The current trace id, for log lines; undefined when tracing is off or outside a traced call. */
export function currentTraceId(): string | undefined {
  if (!running) {
    return undefined;
  }
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
