import { type ServerMethodDefinition } from '@grpc/grpc-js';
import type { RpcCallObserver } from '../transport/grpc/grpc-edge';
import { grpcCodeName } from './grpc-code-names';
import type { GrpcMethodMetrics, MetricsService } from './metrics.service';

function grpcType(definition: ServerMethodDefinition<unknown, unknown>): string {
  if (definition.requestStream) {
    return definition.responseStream ? 'bidi_stream' : 'client_stream';
  }
  return definition.responseStream ? 'server_stream' : 'unary';
}

/**
 * go-grpc-prometheus's metrics, fed by the outermost grpc-js server interceptor (grpcEdgeInterceptor) rather
 * than a Nest interceptor, so they see every call: the health service, unknown methods, and calls a guard
 * rejects before any Nest interceptor runs. (Not an interceptor of its own: each layer costs every call.)
 */
export function grpcMetricsObserver(metrics: MetricsService): RpcCallObserver {
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
  return (definition) => {
    const method = forMethod(definition);
    const started = performance.now();
    method.started.inc();
    return (code) => {
      method.handling.observe((performance.now() - started) / 1000);
      method.handled(grpcCodeName(code)).inc();
    };
  };
}
