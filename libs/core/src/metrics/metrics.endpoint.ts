import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics on the app's own Fastify instance. A raw route rather than a Nest controller: it stays out of
 * the OpenAPI document and the auth guards.
 */
export function mountMetricsRoute(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.get(METRICS_PATH, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).send(body);
  });
}

/** METRICS_PORT set: a bare node:http listener that answers /metrics only, for a port kept off the ingress. */
export async function listenMetrics(metrics: MetricsService, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== METRICS_PATH) {
      response.writeHead(404).end();
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
