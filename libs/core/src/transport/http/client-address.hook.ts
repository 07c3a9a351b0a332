import type { FastifyInstance } from 'fastify';
import { setClientAddress } from '../call-context';
import { clientAddress, type TrustedProxies } from '../client-address';

/**
 * The client's address, resolved once per request by the function gRPC uses too (clientAddress), so both
 * transports apply one set of trust rules, malformed hops included. Fastify's own trustProxy gets the same
 * list (chorus-app.ts) for request.ip, protocol and host.
 */
export function installClientAddress(fastify: FastifyInstance, trusted: TrustedProxies): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    setClientAddress(
      request,
      clientAddress(request.socket.remoteAddress ?? '', request.headers['x-forwarded-for'], trusted),
    );
    done();
  });
}
