import {
  Metadata,
  ServerInterceptingCall,
  status as grpcStatus,
  type ServerInterceptor,
  type ServerMethodDefinition,
} from '@grpc/grpc-js';
import { REQUEST_ID_HEADER, rpcRequestId, setClientAddress } from '../call-context';
import { clientAddress, type TrustedProxies } from '../client-address';

/**
 * Response metadata a call's handler chain decided (AnswerInterceptor: x-cache, cache-status), keyed by the call's
 * request metadata, the one object both grpc-js's interceptor and Nest's handler hold.
 */
const responseMeta = new WeakMap<Metadata, Readonly<Record<string, string>>>();

/** Sends these entries with the call's initial metadata and again in its trailers. */
export function setRpcResponseMeta(requestMetadata: Metadata, entries: Readonly<Record<string, string>>): void {
  responseMeta.set(requestMetadata, entries);
}

export interface RpcCompletion {
  requestId?: string;
  method: string;
  code: number;
  durationMs: number;
}

/** Told of every call as it starts; the function it returns is called once with the status the client gets. */
export type RpcCallObserver = (method: ServerMethodDefinition<unknown, unknown>) => (code: number) => void;

function withEntries(target: Metadata, requestMetadata: Metadata | undefined): Metadata {
  const id = requestMetadata?.get(REQUEST_ID_HEADER)[0];
  if (typeof id === 'string' && target.get(REQUEST_ID_HEADER).length === 0) {
    target.set(REQUEST_ID_HEADER, id);
  }
  const entries = requestMetadata ? responseMeta.get(requestMetadata) : undefined;
  for (const key in entries) {
    if (target.get(key).length === 0) {
      target.set(key, entries[key]);
    }
  }
  return target;
}

/** What the gRPC edge is told by the app: whom to trust, and whom to tell of calls. */
export interface GrpcEdgeOptions {
  trusted: TrustedProxies;
  onCompleted?: (completion: RpcCompletion) => void;
  observe?: RpcCallObserver;
}

function stringValues(metadata: Metadata, key: string): string[] {
  return metadata.get(key).filter((value): value is string => typeof value === 'string');
}

/**
 * The gRPC edge, one grpc-js server interceptor (passed through Nest's channelOptions, grpc-js's public API) for
 * what a Nest interceptor cannot do:
 * - see every call: the health service, unknown methods and calls a guard rejects, which never reach a Nest
 *   interceptor, so metrics and the access log count them with the status the client really gets;
 * - trailing metadata: Nest completes a unary call through grpc-js's callback without trailers, so the request id
 *   and the answer's metadata (setRpcResponseMeta) are added here, as they are to the initial metadata;
 * - one request id per call, stored back into the request metadata before Nest sees it;
 * - the client's address from the TCP peer and `x-forwarded-for` metadata, by the same rules as HTTP
 *   (clientAddress): a gateway's forwarded address counts only when the peer is a trusted proxy.
 */
export function grpcEdgeInterceptor({ trusted, onCompleted, observe }: GrpcEdgeOptions): ServerInterceptor {
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
            rpcRequestId(metadata);
            setClientAddress(
              metadata,
              clientAddress(call.getPeer(), stringValues(metadata, 'x-forwarded-for'), trusted),
            );
            forward(metadata);
          },
          onCancel: () => finish(grpcStatus.CANCELLED),
        }),
      sendMetadata: (metadata, next) => next(withEntries(metadata, requestMetadata)),
      sendStatus: (status, next) => {
        const metadata = withEntries(status.metadata ?? new Metadata(), requestMetadata);
        finish(status.code);
        next({ ...status, metadata });
        if (onCompleted === undefined) {
          return;
        }
        const id = metadata.get(REQUEST_ID_HEADER)[0];
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
