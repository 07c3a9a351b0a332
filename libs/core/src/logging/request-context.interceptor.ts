import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import type { FastifyReply } from 'fastify';
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
import { isTracingEnabled, nameActiveSpan, setSpanAttribute } from '../tracing/tracing';
import { bindRpcResponseMeta } from '../transport/grpc-trailers';
import { requestContext, type RequestContext } from './request-context';

/**
 * Runs each handler inside a request context (request id and user on every log line, response metadata) and
 * sends that metadata back: as HTTP headers, or as gRPC initial metadata before the response message.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = isRpc(ctx);
    const context: RequestContext = {
      requestId: requestIdOf(ctx),
      transport: rpc ? 'rpc' : 'http',
      operation: operationOf(ctx),
      userId: callerOf(ctx)?.id,
      responseMeta: new Map(),
    };
    if (rpc) {
      // HTTP answers get the id from the Fastify onSend hook, which also covers errors and unrouted requests.
      context.responseMeta.set(REQUEST_ID_HEADER, context.requestId);
      bindRpcResponseMeta(rpcMetadataOf(ctx), context.responseMeta);
    }
    if (isTracingEnabled()) {
      this.annotateSpan(context);
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

  /** The server span (HTTP or gRPC instrumentation) learns what only Nest knows: the route and the caller. */
  private annotateSpan(context: RequestContext): void {
    if (context.transport === 'http') {
      nameActiveSpan(context.operation, { 'http.route': context.operation.slice(context.operation.indexOf(' ') + 1) });
    }
    if (context.userId) {
      setSpanAttribute('user.id', context.userId);
    }
  }

  private sendMeta(ctx: ExecutionContext, context: RequestContext): void {
    if (!isRpc(ctx)) {
      const reply = ctx.switchToHttp().getResponse<FastifyReply>();
      for (const [key, value] of context.responseMeta) {
        void reply.header(key, value);
      }
      return;
    }
    const metadata = new Metadata();
    for (const [key, value] of context.responseMeta) {
      metadata.set(key, value);
    }
    rpcCallOf(ctx)?.sendMetadata(metadata);
  }
}
