import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppLogger } from '../../logging/app-logger.service';
import type { MetricsService } from '../../metrics/metrics.service';

export interface AccessLogDeps {
  logger: AppLogger;
  metrics?: MetricsService;
}

/**
 * HTTP metrics and the access log, at the edge rather than in a Nest interceptor: they must count what never
 * reaches one (unknown routes, guard rejections, body-parser and framework errors) with the status the client
 * got, and time the whole response, serialization and 304s included.
 */
export function installAccessLog(fastify: FastifyInstance, { logger, metrics }: AccessLogDeps): void {
  // A callback hook, not an async one: no promise per request.
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route template, never the raw URL, so label cardinality stays bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics?.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (logger.access.isLevelEnabled('info')) {
      logAccess(logger, request, reply, route);
    }
    done();
  });
}

function logAccess(logger: AppLogger, request: FastifyRequest, reply: FastifyReply, route: string): void {
  logger.access.info(
    {
      requestId: request.id,
      transport: 'http',
      method: request.method,
      route,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    },
    'request completed',
  );
}
