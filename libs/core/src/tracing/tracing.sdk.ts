import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { resourceAttributes, tracesEndpoint, type TracingSettings } from './tracing.settings';

/** Spans leave within a second: short enough to follow a request live, long enough to batch. */
const EXPORT_DELAY_MS = 1_000;

/** Chorus's own version (package.json, two folders above the compiled or source lib), for service.version. */
function serviceVersion(): string {
  for (const up of ['../../../..', '../../../../..']) {
    try {
      const manifest = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'chorus' && manifest.version) {
        return manifest.version;
      }
    } catch {
      // not this folder; try the next
    }
  }
  return 'unknown';
}

function sampler(settings: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG);
  switch (settings.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** Paths the probes and Prometheus hit every few seconds: spans for them would drown the real traffic. */
const UNTRACED_PATHS = /^\/(health\/|metrics)/;

export interface TracingRuntime {
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK, loaded only when tracing is on: a span per HTTP request (http instrumentation) and
 * per gRPC call (grpc-js instrumentation), child spans for PostgreSQL queries (pg) and outbound provider calls
 * (undici), exported in batches over OTLP/HTTP (protobuf, or JSON when OTEL_EXPORTER_OTLP_PROTOCOL=http/json). A
 * caller's W3C traceparent is continued as the sampler (OTEL_TRACES_SAMPLER) says.
 */
export function createTracingSdk(settings: TracingSettings): TracingRuntime {
  const url = tracesEndpoint(settings);
  const Exporter =
    settings.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json' ? OTLPJsonTraceExporter : OTLPProtobufTraceExporter;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.version': serviceVersion(),
      ...resourceAttributes(settings),
      'service.name': settings.OTEL_SERVICE_NAME,
    }),
    sampler: sampler(settings),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new Exporter({ url }), scheduledDelayMillis: EXPORT_DELAY_MS }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? '') }),
      // The health service's Check/Watch are probes, like /health/*.
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      // Only queries made while serving a traced call; pool housekeeping and migrations stay out.
      new PgInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  return {
    shutdown: async () => {
      await provider.shutdown();
      unregister();
    },
  };
}
