import { createServer } from 'node:net';

/*
 * Ports below Linux's ephemeral range (32768–60999). A port the OS hands out for `listen(0)` comes from that
 * range, and between releasing it and the app binding it, any outgoing connection (to PostgreSQL, Redis, the
 * fake upstream…) may take it as its local port: EADDRINUSE at boot, seen in CI. Each Jest worker draws from a
 * slice of its own, so two workers never pick the same port either.
 */
const FIRST = 20_000;
const SLICE = 1_500;
const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? 1));
const base = FIRST + ((worker - 1) % 8) * SLICE;
let next = Math.floor(Math.random() * SLICE);

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback port nothing listens on, outside the range outgoing connections draw their local ports from. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries += 1) {
    const port = base + (next % SLICE);
    next += 1;
    if (await bindable(port)) {
      return port;
    }
  }
  throw new Error(`no free port in ${base}–${base + SLICE - 1}`);
}
