import { Metadata, status, type ServerInterceptingCall } from '@grpc/grpc-js';
import type { CachedRpcResponse } from '../cache/response-cache';
import { REQUEST_ID_HEADER, rpcRequestId } from './call-context';

/**
 * Answers a unary call from RpcResponseCache: the gRPC twin of the REST replay. A call whose exact request a
 * public lookup answered moments ago never reaches Nest's guards, pipes or handler; the interceptors outside
 * the one calling this (metrics, trailers, access log) still see it.
 */
export function replayRpc(call: ServerInterceptingCall, hit: CachedRpcResponse, requestMetadata: Metadata): void {
  const meta = new Metadata();
  meta.set(REQUEST_ID_HEADER, rpcRequestId(requestMetadata));
  for (const [key, value] of Object.entries(hit.metadata)) {
    meta.set(key, value);
  }
  // Initial metadata and trailers both carry the entries, as on the full path (grpc-trailers.ts).
  call.sendMetadata(meta);
  call.sendMessage(hit.message, () => call.sendStatus({ code: status.OK, details: 'OK', metadata: meta.clone() }));
}
