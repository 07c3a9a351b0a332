import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { CACHE_STATUS_STORED, withCacheStatus, type HttpCache } from './http-cache';
import type { RequestKeys } from './request-keys';

/** RFC 9110 If-None-Match with the weak comparison: a list of tags, or `*`. */
export function etagMatches(header: string | string[] | undefined, etag: string | undefined): boolean {
  if (typeof header !== 'string' || etag === undefined) {
    return false;
  }
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === opaque;
  });
}

/**
 * A request the cache may answer or keep: GET or HEAD, no credentials of any kind, no body (the key covers the
 * URL only). Everything else goes to the app untouched.
 */
function isCandidate(request: FastifyRequest): boolean {
  const { method, headers } = request;
  return (
    (method === 'GET' || method === 'HEAD') &&
    headers.authorization === undefined &&
    headers.cookie === undefined &&
    headers['content-length'] === undefined &&
    headers['transfer-encoding'] === undefined
  );
}

function notModified(reply: FastifyReply): void {
  void reply.code(304);
  reply.removeHeader('content-type');
  reply.removeHeader('content-length');
  void reply.send();
}

/**
 * The HTTP cache in front of the app, as two Fastify hooks: onRequest answers a hit before Nest's routing,
 * guards, pipes and handler (after the security headers, CORS and the draining check, which are earlier
 * onRequest hooks); onSend keeps what the app answered. Installed after the app's own onSend hooks, so it sees
 * the final headers (ETag, and Cache-Control, whose max-age the AnswerInterceptor derives from the answer's
 * freshUntil, so an entry never outlives the answer).
 */
export function installHttpCache(fastify: FastifyInstance, cache: HttpCache, keys: RequestKeys): void {
  if (!cache.enabled) {
    return;
  }
  const pending = new WeakMap<FastifyRequest, string>();

  const serve = (
    request: FastifyRequest,
    reply: FastifyReply,
    key: string | undefined,
    done: HookHandlerDoneFunction,
  ) => {
    const hit = key === undefined ? undefined : cache.lookup(key, request.headers);
    if (hit === undefined) {
      if (key !== undefined && request.method === 'GET') {
        pending.set(request, key);
      }
      done();
      return;
    }
    void reply.headers(hit.answer.headers);
    void reply.header('age', hit.age);
    if (etagMatches(request.headers['if-none-match'], hit.answer.etag)) {
      notModified(reply);
      return;
    }
    void reply.send(hit.answer.body);
  };

  // Callback hooks, not async ones: a hit whose key is remembered allocates no promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !isCandidate(request) || !keys.knows(route)) {
      done();
      return;
    }
    const known = cache.knownKey(request.url);
    if (known !== undefined) {
      serve(request, reply, known, done);
      return;
    }
    keys.keyOf({ route, params: request.params, query: request.query }).then((key) => {
      if (key !== undefined) {
        cache.rememberKey(request.url, key);
      }
      serve(request, reply, key, done);
    }, done);
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const key = pending.get(request);
    if (key !== undefined && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      const kept = cache.store(key, {
        status: reply.statusCode,
        requestHeaders: request.headers,
        responseHeaders: reply.getHeaders(),
        payload,
        route: request.routeOptions.url ?? request.url,
      });
      if (kept) {
        void reply.header('cache-status', withCacheStatus(reply.getHeader('cache-status'), CACHE_STATUS_STORED));
      }
    }
    done(null, payload);
  });
}
