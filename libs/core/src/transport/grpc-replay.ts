import { Metadata, ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import type { CachedRpcResponse, RpcResponseCache } from '../cache/response-cache';
import { REQUEST_ID_HEADER, rpcRequestId } from './call-context';

function replay(call: ServerInterceptingCall, hit: CachedRpcResponse, requestMetadata: Metadata): void {
  const meta = new Metadata();
  meta.set(REQUEST_ID_HEADER, rpcRequestId(requestMetadata));
  for (const [key, value] of Object.entries(hit.metadata)) {
    meta.set(key, value);
  }
  // Initial metadata and trailers both carry the entries, as on the full path (grpc-trailers.ts).
  call.sendMetadata(meta);
  call.sendMessage(hit.message, () => call.sendStatus({ code: status.OK, details: 'OK', metadata: meta.clone() }));
}

/**
 * The gRPC twin of the REST replay: a unary call whose exact request a public lookup answered moments ago is
 * answered from RpcResponseCache here, innermost of the server interceptors (so metrics, trailers and the access
 * log still see it), and never reaches Nest's guards, pipes or handler. Anything else passes through untouched.
 */
export function rpcReplayInterceptor(cache: RpcResponseCache): ServerInterceptor {
  return (method, call) => {
    if (method.requestStream || method.responseStream) {
      return new ServerInterceptingCall(call);
    }
    let requestMetadata = new Metadata();
    let replayed = false;
    const intercepting: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, forward) => {
            requestMetadata = metadata;
            forward(metadata);
          },
          onReceiveMessage: (message, forward) => {
            const hit = cache.find(method.path, message);
            if (hit === undefined) {
              forward(message);
              return;
            }
            replayed = true;
            replay(intercepting, hit, requestMetadata);
          },
          onReceiveHalfClose: (forward) => {
            // A replayed call is finished: the handler never gets the message, nor the end of it.
            if (!replayed) {
              forward();
            }
          },
        }),
    });
    return intercepting;
  };
}
