import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import {
  callerOf,
  isRpc,
  operationOf,
  REQUEST_ID_HEADER,
  requestIdOf,
  rpcCallOf,
  rpcMetadataOf,
} from '../transport/call-context';
import { isTracingEnabled, setSpanAttribute } from '../tracing/tracing';
import { bindRpcResponseMeta } from '../transport/grpc-trailers';
import { requestContext, type RequestContext } from './request-context';

/**
 * Runs each gRPC handler inside a request context (request id and user on every log line, response metadata)
 * and sends that metadata back as initial metadata before the response message. HTTP requests get theirs from a
 * Fastify hook (`installRequestContext` in lifecycle/http-hooks); for them this is a pass-through, registered
 * globally only because a hybrid app's global interceptors are shared by both transports.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isRpc(ctx)) {
      return next.handle();
    }
    const context: RequestContext = {
      requestId: requestIdOf(ctx),
      transport: 'rpc',
      operation: operationOf(ctx),
      userId: callerOf(ctx)?.id,
      responseMeta: new Map(),
    };
    context.responseMeta.set(REQUEST_ID_HEADER, context.requestId);
    bindRpcResponseMeta(rpcMetadataOf(ctx), context.responseMeta);
    if (isTracingEnabled() && context.userId) {
      setSpanAttribute('user.id', context.userId);
    }
    return new Observable((subscriber) =>
      requestContext.run(context, () =>
        next.handle().subscribe({
          next: (value) => {
            this.sendMeta(ctx, context);
            subscriber.next(value);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      ),
    );
  }

  private sendMeta(ctx: ExecutionContext, context: RequestContext): void {
    const metadata = new Metadata();
    for (const [key, value] of context.responseMeta) {
      metadata.set(key, value);
    }
    rpcCallOf(ctx)?.sendMetadata(metadata);
  }
}
