import type { FastifyInstance } from 'fastify';

/**
 * Fastify's JSON parser refuses `Content-Type: application/json` with an empty body (400), and it runs before
 * Nest's guards: a client that always sends the header got 400 from logout instead of 204, or 401 for a missing
 * token. An empty body is no body here; the route's validation then decides (a required field is still named).
 * Anything else goes to Fastify's own parser, with the same body limit and __proto__/constructor refusal.
 */
export function installEmptyJsonBody(fastify: FastifyInstance): void {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    // parseAs 'string' hands a string; the type allows a Buffer only because one signature serves both.
    void parseJson(request, body.toString(), done);
  });
}
