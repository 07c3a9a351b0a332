import { Metadata, ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
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
 * A grpc-js server interceptor run for every call, guard rejections and health checks included: it copies the
 * call's response metadata into the trailing metadata (Nest's unary handler completes through grpc-js's
 * callback without trailers, so this is the one place they can be added) and reports the call's completion,
 * which is where gRPC gets its access log line.
 */
export function rpcCompletionInterceptor(onCompleted?: (completion: RpcCompletion) => void): ServerInterceptor {
  return (method, call) => {
    const started = performance.now();
    let requestMetadata: Metadata | undefined;
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            requestMetadata = metadata;
            forward(metadata);
          },
        }),
      sendStatus: (status, next) => {
        const metadata = withTrailers(requestMetadata, status.metadata);
        next({ ...status, metadata });
        const id = metadata?.get(REQUEST_ID_HEADER)[0] ?? requestMetadata?.get(REQUEST_ID_HEADER)[0];
        onCompleted?.({
          requestId: typeof id === 'string' ? id : undefined,
          method: method.path,
          code: status.code,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        });
      },
    });
  };
}
