import type { FastifyInstance } from 'fastify';

/** Deeper JSON than any request DTO has; bounded so validation never recurses through a hostile body. */
const MAX_JSON_DEPTH = 32;

function jsonDepthExceeds(value: unknown, limit: number): boolean {
  // Only objects and arrays are kept to walk: a batch's 100 ids would otherwise cost a tuple each.
  const nodes: object[] = [];
  const depths: number[] = [];
  const visit = (child: unknown, depth: number): void => {
    if (child !== null && typeof child === 'object') {
      nodes.push(child);
      depths.push(depth);
    }
  };
  visit(value, 1);
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) {
      return true;
    }
    if (Array.isArray(node)) {
      for (const child of node as unknown[]) {
        visit(child, depth + 1);
      }
    } else {
      for (const child of Object.values(node)) {
        visit(child, depth + 1);
      }
    }
  }
  return false;
}

/**
 * Fastify parses the body before Nest sees the request, and a pipe would already walk whatever depth it got:
 * the limit has to sit between parsing and routing, which only a Fastify hook can.
 */
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
