import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientAddress, type TrustedProxies } from '../client-address';

/**
 * The client's address, resolved by the function gRPC uses too (clientAddress), so both transports apply one set
 * of trust rules, malformed hops included. Fastify's own trustProxy gets the same list (chorus-app.ts) for
 * request.ip, protocol and host. A request decorator read on demand (by the guards and the request context),
 * not an onRequest hook: most answers never ask for it (HTTP cache hits, unknown routes), and resolving and
 * storing it for every request was ~3% of a cache hit's CPU. Read through clientIpOf (call-context.ts).
 */
export function installClientAddress(fastify: FastifyInstance, trusted: TrustedProxies): void {
  fastify.decorateRequest('clientAddress', {
    getter(this: FastifyRequest): string {
      return clientAddress(this.socket.remoteAddress ?? '', this.headers['x-forwarded-for'], trusted);
    },
  });
}
