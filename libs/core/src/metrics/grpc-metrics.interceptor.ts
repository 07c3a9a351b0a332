import {
  ServerInterceptingCall,
  status,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type ServerMethodDefinition,
} from '@grpc/grpc-js';
import { grpcCodeName } from './grpc-code-names';
import type { GrpcMethodMetrics, MetricsService } from './metrics.service';

function grpcType(definition: ServerMethodDefinition<unknown, unknown>): string {
  if (definition.requestStream) {
    return definition.responseStream ? 'bidi_stream' : 'client_stream';
  }
  return definition.responseStream ? 'server_stream' : 'unary';
}

/**
 * A grpc-js server interceptor with go-grpc-prometheus's metrics. It sits on the raw server rather than in a
 * Nest interceptor, so it sees every call: the health service, unknown methods, and calls a guard rejects
 * before any Nest interceptor runs.
 */
export function grpcMetricsInterceptor(metrics: MetricsService): ServerInterceptor {
  const byPath = new Map<string, GrpcMethodMetrics>();
  const forMethod = (definition: ServerMethodDefinition<unknown, unknown>): GrpcMethodMetrics => {
    let found = byPath.get(definition.path);
    if (!found) {
      // '/chorus.v1.CatalogService/GetArtist' → service 'chorus.v1.CatalogService', method 'GetArtist'.
      const slash = definition.path.lastIndexOf('/');
      found = metrics.grpcMethod(
        definition.path.slice(1, slash),
        definition.path.slice(slash + 1),
        grpcType(definition),
      );
      byPath.set(definition.path, found);
    }
    return found;
  };
  return (definition: ServerMethodDefinition<unknown, unknown>, call: ServerInterceptingCallInterface) => {
    const method = forMethod(definition);
    const started = performance.now();
    let done = false;
    const finish = (code: number): void => {
      if (done) {
        return;
      }
      done = true;
      method.handling.observe((performance.now() - started) / 1000);
      method.handled(grpcCodeName(code)).inc();
    };
    method.started.inc();
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (outcome, next) => {
        finish(outcome.code);
        next(outcome);
      },
    });
  };
}
