import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { requestContext, type RequestContext } from '../logging/request-context';
import { isTracingEnabled, nameActiveSpan } from '../tracing/tracing';
import { bearerUserOf, callerOf, clientIpOf, httpRequestOf, isRpc, operationOf, requestIdOf } from './call-context';

/**
 * Opens the call's request context (request id, caller, operation: what log lines carry) around pipes, handler
 * and the interceptors inside this one, for both transports. It runs after the guards, so it knows the caller
 * the auth guard found; log lines written by a guard itself carry no request id.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const context = this.open(ctx);
    return new Observable((subscriber) => requestContext.run(context, () => next.handle().subscribe(subscriber)));
  }

  /** The context of this call, for whoever runs the rest of the call inside it (CallPipelineInterceptor). */
  open(ctx: ExecutionContext): RequestContext {
    const rpc = isRpc(ctx);
    const userId = callerOf(ctx)?.id;
    const context: RequestContext = {
      requestId: requestIdOf(ctx),
      transport: rpc ? 'rpc' : 'http',
      operation: operationOf(ctx),
      userId,
      clientAddress: clientIpOf(ctx),
      bearerUser: userId === undefined ? bearerUserOf(ctx) : undefined,
    };
    if (!rpc && isTracingEnabled()) {
      // The server span learns what only the router knows: the route template.
      nameActiveSpan(context.operation, { 'http.route': httpRequestOf(ctx).routeOptions.url ?? 'unmatched' });
    }
    return context;
  }
}
