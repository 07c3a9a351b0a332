import {
  Metadata,
  ServerInterceptingCall,
  status as grpcStatus,
  type ServerInterceptor,
  type ServerMethodDefinition,
} from '@grpc/grpc-js';
import { REQUEST_ID_HEADER } from './call-context';

const pending = new WeakMap<Metadata, Map<string, string>>();

/** Ties a call's response metadata (request id, x-cache…) to its request metadata, for the trailer hook. */
export function bindRpcResponseMeta(requestMetadata: Metadata, meta: Map<string, string>): void {
  pending.set(requestMetadata, meta);
}

export interface RpcCompletion {
  requestId?: string;
  method: string;
  code: number;
  durationMs: number;
}

/** Told of every call as it starts; the function it returns is called once with the status the client gets. */
export type RpcCallObserver = (method: ServerMethodDefinition<unknown, unknown>) => (code: number) => void;

function withTrailers(requestMetadata: Metadata | undefined, trailers: Metadata | null | undefined): Metadata | null {
  const meta = requestMetadata ? pending.get(requestMetadata) : undefined;
  if (!meta || meta.size === 0) {
    return trailers ?? null;
  }
  const merged = trailers ?? new Metadata();
  for (const [key, value] of meta) {
    if (merged.get(key).length === 0) {
      merged.set(key, value);
    }
  }
  return merged;
}

/**
 * The outermost grpc-js server interceptor, run for every call, guard rejections and health checks included: it
 * copies the call's response metadata into the trailing metadata (Nest's unary handler completes through
 * grpc-js's callback without trailers, so this is the one place they can be added), tells `observe` (metrics) the
 * status the client gets, and reports the call's completion, which is where gRPC gets its access log line.
 */
export function rpcCompletionInterceptor(
  onCompleted?: (completion: RpcCompletion) => void,
  observe?: RpcCallObserver,
): ServerInterceptor {
  return (method, call) => {
    const started = performance.now();
    const observed = observe?.(method);
    let finished = false;
    const finish = (code: number): void => {
      if (!finished) {
        finished = true;
        observed?.(code);
      }
    };
    let requestMetadata: Metadata | undefined;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            requestMetadata = metadata;
            forward(metadata);
          },
          onCancel: () => finish(grpcStatus.CANCELLED),
        }),
      sendStatus: (status, next) => {
        const metadata = withTrailers(requestMetadata, status.metadata);
        finish(status.code);
        next({ ...status, metadata });
        if (onCompleted === undefined) {
          return;
        }
        const id = metadata?.get(REQUEST_ID_HEADER)[0] ?? requestMetadata?.get(REQUEST_ID_HEADER)[0];
        onCompleted({
          requestId: typeof id === 'string' ? id : undefined,
          method: method.path,
          code: status.code,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        });
      },
    });
  };
}
