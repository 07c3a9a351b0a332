import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { etagMatches, etagOf, type ResponseCache } from '../cache/response-cache';
import type { AppLogger } from '../logging/app-logger.service';
import { requestContext, type RequestContext } from '../logging/request-context';
import type { MetricsService } from '../metrics/metrics.service';
import { isTracingEnabled, nameActiveSpan } from '../tracing/tracing';
import { REQUEST_ID_HEADER } from '../transport/call-context';
import type { LifecycleState } from './lifecycle.state';

/** Deeper JSON than any request DTO has; bounded so validation never recurses through a hostile body. */
const MAX_JSON_DEPTH = 32;

function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node !== null && typeof node === 'object') {
      if (depth > limit) {
        return true;
      }
      for (const child of Object.values(node)) {
        stack.push([child, depth + 1]);
      }
    }
  }
  return false;
}

export function installBodyDepthLimit(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (jsonDepthExceeds(request.body, MAX_JSON_DEPTH)) {
      // A Fastify-style client error: the one filter answers it as a 400 problem.
      done(
        Object.assign(new Error(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 }),
      );
      return;
    }
    done();
  });
}

/**
 * Every routed HTTP request runs its handler inside a request context (request id and caller on log lines,
 * response metadata, the answer's freshness), opened here rather than in a Nest interceptor, which (with its
 * Observable and ALS run) cost ~12% of a lookup served from PostgreSQL in an A/B (bench/README.md). The last
 * preHandler hook, after body parsing, so the context reaches the guard and the handler; a successful answer's
 * metadata (x-cache…) goes out as headers in onSend.
 */
function installRequestContext(fastify: FastifyInstance): WeakMap<FastifyRequest, RequestContext> {
  const contexts = new WeakMap<FastifyRequest, RequestContext>();
  fastify.addHook('preHandler', (request, _reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const context: RequestContext = {
      requestId: request.id,
      transport: 'http',
      operation: `${request.method} ${route}`,
      responseMeta: new Map(),
    };
    contexts.set(request, context);
    if (isTracingEnabled()) {
      // The server span learns what only the router knows: the route template.
      nameActiveSpan(context.operation, { 'http.route': route });
    }
    requestContext.run(context, done);
  });
  return contexts;
}

/**
 * The REST side of an answer marked cacheable (requestContext.cacheAnswer): a weak ETag over the exact bytes
 * sent (JSON or image bytes), its Cache-Control, 304 when the client already holds it, and, for JSON, the replay
 * cache while it is fresh. Here, on the serialized payload, rather than in a Nest interceptor: no second
 * serialization, and no rxjs chain around the handler (bench/README.md).
 */
function applyAnswerCaching(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  context: RequestContext,
  responses: ResponseCache,
): unknown {
  const caching = context.answerCaching;
  if (caching === undefined || reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
    return payload;
  }
  const etag = etagOf(payload);
  void reply.header('etag', etag);
  void reply.header('cache-control', caching.cacheControl);
  // Only JSON is replayed: image bytes are not worth the memory.
  const until = request.method === 'GET' && responses.enabled ? requestContext.replayableUntil(context) : undefined;
  if (until !== undefined && typeof payload === 'string') {
    const contentType = String(reply.getHeader('content-type'));
    const headers = { 'content-type': contentType, etag, 'cache-control': caching.cacheControl, ...caching.replayMeta };
    responses.put(request.url, { body: payload, etag, headers }, until);
  }
  if (!etagMatches(request.headers['if-none-match'], etag)) {
    return payload;
  }
  notModified(reply);
  return null;
}

/** A 304 has no body, so nothing for a content type or length to describe (both answer paths). */
function notModified(reply: FastifyReply): void {
  void reply.code(304);
  reply.removeHeader('content-type');
  reply.removeHeader('content-length');
}

export interface HttpHookDeps {
  logger: AppLogger;
  metrics?: MetricsService;
  lifecycle: LifecycleState;
  responses: ResponseCache;
}

export function installHttpHooks(fastify: FastifyInstance, deps: HttpHookDeps): void {
  const { logger, metrics, lifecycle, responses } = deps;
  const contexts = installRequestContext(fastify);
  // Callback hooks, not async ones: no promise per request on the hot path (bench/README.md).
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const context = contexts.get(request);
    let sent = payload;
    if (context !== undefined && reply.statusCode < 400) {
      for (const [key, value] of context.responseMeta) {
        void reply.header(key, value);
      }
      sent = applyAnswerCaching(request, reply, payload, context, responses);
    }
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (lifecycle.isDraining) {
      // Clients reconnect (to another replica) instead of reusing a socket that is about to close.
      void reply.header('connection', 'close');
    }
    done(null, sent);
  });
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

/**
 * Replays a cached answer (see ResponseCache) before Nest's pipeline: guards, validation and the lookup already
 * ran for this exact URL. The last onRequest hook: Nest's adapter hooks (503 while closing, CORS) and the
 * security headers were added before it; onSend and onResponse still run, so request ids, metrics and the
 * access log stay.
 */
export function installResponseReplay(fastify: FastifyInstance, responses: ResponseCache): void {
  if (!responses.enabled) {
    return;
  }
  fastify.addHook('onRequest', (request, reply, done) => {
    const hit = request.method === 'GET' ? responses.get(request.url) : undefined;
    if (hit === undefined) {
      done();
      return;
    }
    void reply.headers(hit.headers);
    if (etagMatches(request.headers['if-none-match'], hit.etag)) {
      notModified(reply);
      void reply.send();
      return;
    }
    void reply.send(hit.body);
  });
}
