import { compare, hash } from 'bcrypt';

/**
 * Baseline for logins: raw bcrypt.compare of a correct password at the given cost, with the given number of
 * compares in flight (bcrypt's async API, on libuv's pool of UV_THREADPOOL_SIZE threads; Chorus runs it on worker threads of its own),
 * for a fixed time. Prints one JSON line.
 */
async function main(): Promise<void> {
  const cost = Number(process.env.BENCH_BCRYPT_COST ?? 10);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
  const password = 'correct horse battery staple';
  const digest = await hash(password, cost);
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (!(await compare(password, digest))) {
        throw new Error('bcrypt mismatch');
      }
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`RESULT ${JSON.stringify({ ops: done, seconds })}\n`);
}

void main();
