import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

/**
 * Baseline for the database tier: bare node:http + pg, one `SELECT data FROM catalog_artists` of the same row per
 * request, with a pool of the same size as Chorus's (DB_POOL_SIZE).
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
const publicId = process.env.BENCH_PUBLIC_ID ?? '';
const server = createServer((req, res) => {
  req.resume();
  pool.query<{ data: unknown }>('SELECT data FROM catalog_artists WHERE public_id = $1', [publicId]).then(
    (result) => {
      const body = JSON.stringify(result.rows[0]?.data ?? null);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    },
    (error: unknown) => {
      res.writeHead(500).end(String(error));
    },
  );
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
