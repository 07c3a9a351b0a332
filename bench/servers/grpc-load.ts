import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { catalogService } from '../grpc';

type Unary = (request: unknown, options: { deadline: number }, cb: (error: ServiceError | null) => void) => void;

export interface GrpcLoadResult {
  ok: number;
  errors: number;
  seconds: number;
  /** Milliseconds per completed call, in completion order. */
  latencies: Float64Array;
}

/**
 * A grpc-js load client: BENCH_CONCURRENCY calls in flight over BENCH_CHANNELS channels, GetArtist {id} for
 * BENCH_DURATION_MS, each latency recorded (bounded buffer). Forked by the runner; answers over IPC.
 */
async function main(): Promise<void> {
  const address = process.env.BENCH_ADDRESS ?? '';
  const id = process.env.BENCH_ID ?? '';
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
  const channels = Math.max(1, Number(process.env.BENCH_CHANNELS ?? 1));
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
  const Service = catalogService();
  // Distinct channel options keep grpc-js from sharing one subchannel between the clients.
  const clients: Client[] = Array.from(
    { length: channels },
    (_, i) => new Service(address, credentials.createInsecure(), { 'bench.channel': i }),
  );
  const call = (client: Client): Promise<ServiceError | null> =>
    new Promise((resolve) =>
      (client as unknown as { getArtist: Unary }).getArtist.call(
        client,
        { id },
        { deadline: Date.now() + 10_000 },
        resolve,
      ),
    );
  // Warm every channel (connect, HTTP/2 settings) before the clock starts.
  for (const client of clients) {
    const error = await call(client);
    if (error) {
      throw error;
    }
  }
  const latencies = new Float64Array(4_000_000);
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (client: Client): Promise<void> => {
    while (performance.now() < deadline && ok < latencies.length) {
      const t0 = performance.now();
      const error = await call(client);
      if (error) {
        errors += 1;
      } else {
        latencies[ok] = performance.now() - t0;
        ok += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(clients[i % channels])));
  const seconds = (performance.now() - started) / 1000;
  for (const client of clients) {
    client.close();
  }
  const result: GrpcLoadResult = { ok, errors, seconds, latencies: latencies.slice(0, ok) };
  process.send?.(result, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
