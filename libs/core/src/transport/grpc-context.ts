import { Metadata, ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import type { CachedRpcResponse, RpcResponseCache } from '../cache/response-cache';
import { requestContext, type RequestContext } from '../logging/request-context';
import { REQUEST_ID_HEADER, rpcRequestId } from './call-context';
import { EncodedMessage } from './encoded-message';
import { bindRpcResponseMeta } from './grpc-trailers';

/**
 * The innermost grpc-js server interceptor, nearest Nest's handler. It answers a replayable unary call from
 * RpcResponseCache (the gRPC twin of the REST replay: the call never reaches Nest's guards, pipes or handler, and
 * the interceptors outside this one still see it). Otherwise it opens the call's request context (request id and
 * caller on log lines, response metadata, the answer's freshness) around the listener events that reach the
 * handler, instead of a Nest interceptor: a hybrid app shares its global interceptors with REST, and any
 * interceptor at all puts every REST call through Nest's rxjs chain, ~20% of a lookup served from PostgreSQL
 * (bench/README.md). One interceptor for both, because every layer costs every call.
 *
 * The call's response metadata goes out as initial metadata (added when grpc-js sends it, before the first
 * message) and, through grpc-trailers, as trailers. A unary answer marked cacheable (AnswerCaching) is kept in
 * RpcResponseCache, serialized once.
 */
export function rpcContextInterceptor(responses: RpcResponseCache): ServerInterceptor {
  return (method, call) => {
    const context: RequestContext = {
      requestId: '',
      transport: 'rpc',
      operation: method.path,
      responseMeta: new Map(),
    };
    const unary = !method.requestStream && !method.responseStream;
    let request: unknown;
    let replayed = false;
    /**
     * A replay is sent like any answer: its metadata joins the call's response metadata, which goes out as initial
     * metadata below and as trailers through grpc-trailers.
     */
    const replay = (hit: CachedRpcResponse): void => {
      replayed = true;
      for (const [key, value] of Object.entries(hit.metadata)) {
        context.responseMeta.set(key, value);
      }
      intercepting.sendMetadata(new Metadata());
      intercepting.sendMessage(hit.message, () => intercepting.sendStatus({ code: status.OK, details: 'OK' }));
    };
    const intercepting: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata: Metadata, forward) => {
            context.requestId = rpcRequestId(metadata);
            context.responseMeta.set(REQUEST_ID_HEADER, context.requestId);
            bindRpcResponseMeta(metadata, context.responseMeta);
            requestContext.run(context, () => forward(metadata));
          },
          onReceiveMessage: (message, forward) => {
            const hit = unary && responses.enabled ? responses.find(method.path, message) : undefined;
            if (hit !== undefined) {
              replay(hit);
              return;
            }
            request = message;
            requestContext.run(context, () => forward(message));
          },
          onReceiveHalfClose: (forward) => {
            // A replayed call is finished: the handler never gets the message, nor the end of it.
            if (!replayed) {
              requestContext.run(context, forward);
            }
          },
        }),
      sendMetadata: (metadata, next) => {
        for (const [key, value] of context.responseMeta) {
          metadata.set(key, value);
        }
        next(metadata);
      },
      sendMessage: (message, next) => {
        const until = unary && !replayed && responses.enabled ? requestContext.replayableUntil(context) : undefined;
        const metadata = context.answerCaching?.replayMeta;
        if (until === undefined || metadata === undefined) {
          next(message);
          return;
        }
        // Serialized here once, sent now and by every replay as these bytes.
        let encoded: EncodedMessage;
        try {
          encoded = new EncodedMessage(method.responseSerialize(message));
        } catch {
          next(message); // grpc-js answers a message it cannot serialize with INTERNAL itself
          return;
        }
        responses.keep(method.path, request, { message: encoded, metadata }, until);
        next(encoded);
      },
    });
    return intercepting;
  };
}
