import type { FastifyInstance, FastifyReply } from 'fastify';

const notModified = new WeakSet<FastifyReply>();

/** AnswerInterceptor found the client's If-None-Match matching the answer's ETag: answer 304 instead. */
export function markNotModified(reply: FastifyReply): void {
  notModified.add(reply);
}

/**
 * The 304 itself. AnswerInterceptor decides it, but Nest's router sets the route's status code (200) after
 * every interceptor has run, so the status can only be changed where it is final: in onSend, for a reply marked.
 */
export function installNotModified(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!notModified.has(reply) || reply.statusCode !== 200) {
      done(null, payload);
      return;
    }
    void reply.code(304);
    // A 304 has no body, so nothing for a content type or length to describe.
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    done(null, null);
  });
}
