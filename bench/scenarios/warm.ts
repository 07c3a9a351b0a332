import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { BUILD_DIR, median, startBenchServer, startChorus, type Chorus } from '../common';
import {
  alternate,
  assertServed,
  CFG,
  CONNECTIONS,
  cpuNote,
  GRPC_CLIENTS,
  GRPC_CONCURRENCY,
  ports,
  WARM_ID,
} from '../config';
import { catalogService } from '../grpc';
import { grpcLoad, httpLoad, type Run } from '../load';
import { row, side, type Row } from '../report';

/** A warm-up of each side, then `CFG.pairs` × (baseline, Chorus) autocannon runs back to back. */
export async function httpPairs(
  baseline: { url: string; pid: number },
  chorus: { url: string; pid: number },
): Promise<{ base: Run[]; ours: Run[]; ratios: number[] }> {
  const load = (side: { url: string; pid: number }, durationSec: number): Promise<Run> =>
    httpLoad({ url: side.url, connections: CONNECTIONS, durationSec }, side.pid);
  await load(baseline, CFG.warmSeconds);
  await load(chorus, CFG.warmSeconds);
  return alternate(
    () => load(baseline, CFG.seconds),
    () => load(chorus, CFG.seconds),
  );
}

/** Response headers a baseline may copy: none that describe the connection or this one answer's length. */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * Chorus with the HTTP cache off (HTTP_CACHE_MAX_BYTES=0), answering from L1 through its whole Nest pipeline,
 * against a bare Nest + Fastify route (bench/servers/bare-nest.ts) sending the same bytes and headers.
 */
export async function uncachedWarm(env: Record<string, string>): Promise<Row> {
  const label = 'Uncached warm lookup (HTTP cache off)';
  const chorus = await startChorus({ ...env, HTTP_CACHE_MAX_BYTES: '0' }, 'server', await ports());
  const chorusUrl = `${chorus.httpUrl}/v1/artists/${WARM_ID}`;
  try {
    await (await fetch(chorusUrl)).text();
    const warm = await fetch(chorusUrl);
    const body = await warm.text();
    // From L1 through the app, with no HTTP cache in front: the app's member only, a HIT.
    if (warm.status !== 200 || warm.headers.get('cache-status') !== 'chorus-app; hit') {
      throw new Error(`${label}: ${warm.status}, cache-status ${warm.headers.get('cache-status')}`);
    }
    const headers: Record<string, string> = {};
    warm.headers.forEach((value, name) => {
      if (!PER_CONNECTION.has(name)) {
        headers[name] = value;
      }
    });
    const bodyFile = join(BUILD_DIR, 'uncached-body.json');
    const headersFile = join(BUILD_DIR, 'uncached-headers.json');
    writeFileSync(bodyFile, body);
    writeFileSync(headersFile, JSON.stringify(headers));
    const bare = await startBenchServer(
      'bare-nest',
      { BENCH_BODY_FILE: bodyFile, BENCH_HEADERS_FILE: headersFile },
      'server',
    );
    try {
      const bareUrl = `http://127.0.0.1:${bare.port}/v1/artists/${WARM_ID}`;
      const bareAnswer = await fetch(bareUrl);
      if ((await bareAnswer.text()) !== body) {
        throw new Error(`${label}: the bare Nest route does not answer Chorus's bytes`);
      }
      const { base, ours, ratios } = await httpPairs(
        { url: bareUrl, pid: bare.pid },
        { url: chorusUrl, pid: chorus.pid },
      );
      assertServed(label, ours);
      return row({
        key: 'uncached',
        scenario: label,
        baseline: side('bare Nest + Fastify route, same bytes and headers', base),
        chorus: side('GET /v1/artists/{id} from L1, HTTP_CACHE_MAX_BYTES=0', ours),
        result: median(ratios),
        unit: 'ratio',
        target: { op: '>=', value: 0.6 },
        pairs: ratios,
        notes: [
          `autocannon, ${CONNECTIONS} connections, ${CFG.seconds} s per run; baseline: one Nest controller route on @nestjs/platform-fastify returning the answer object, with Chorus's ${Object.keys(headers).length} response headers`,
          cpuNote(base, ours),
        ],
      });
    } finally {
      await bare.stop();
    }
  } finally {
    await chorus.stop();
  }
}

/** `target`: the issue's ≥ 0.5× for the bench's own settings; none for a row that only shows a cost. */
export async function warmRest(
  chorus: Chorus,
  body: string,
  label: string,
  key: string,
  target?: Row['target'],
): Promise<Row> {
  const bodyFile = join(BUILD_DIR, 'warm-body.json');
  writeFileSync(bodyFile, body);
  const bare = await startBenchServer('bare-http', { BENCH_BODY_FILE: bodyFile }, 'server');
  try {
    const bareUrl = `http://127.0.0.1:${bare.port}/v1/artists/${WARM_ID}`;
    const chorusUrl = `${chorus.httpUrl}/v1/artists/${WARM_ID}`;
    const warm = await fetch(chorusUrl);
    await warm.text();
    // The warm REST target holds with the HTTP cache on: make sure it is what answers.
    if (!/chorus-http; hit$/.test(warm.headers.get('cache-status') ?? '')) {
      throw new Error(`${label}: not an HTTP cache hit (cache-status ${warm.headers.get('cache-status')})`);
    }
    const { base, ours, ratios } = await httpPairs(
      { url: bareUrl, pid: bare.pid },
      { url: chorusUrl, pid: chorus.pid },
    );
    assertServed(label, ours);
    return row({
      key,
      scenario: label,
      baseline: side('node:http, same bytes', base),
      chorus: side('GET /v1/artists/{id}', ours),
      result: median(ratios),
      unit: 'ratio',
      target,
      pairs: ratios,
      notes: [`autocannon, ${CONNECTIONS} connections, ${CFG.seconds} s per run`, cpuNote(base, ours)],
    });
  } finally {
    await bare.stop();
  }
}

export async function warmGrpc(chorus: Chorus): Promise<Row> {
  const Service = catalogService();
  const client = new Service(chorus.grpcAddress, credentials.createInsecure());
  const message = await new Promise<unknown>((resolve, reject) =>
    (
      client as unknown as {
        getArtist: (req: unknown, cb: (error: ServiceError | null, response: unknown) => void) => void;
      }
    ).getArtist({ id: WARM_ID }, (error, response) => (error ? reject(error) : resolve(response))),
  );
  client.close();
  const messageFile = join(BUILD_DIR, 'warm-message.json');
  writeFileSync(messageFile, JSON.stringify(message));
  const bare = await startBenchServer('bare-grpc', { BENCH_MESSAGE_FILE: messageFile }, 'server');
  try {
    const load = (address: string, pid: number, seconds: number): Promise<Run> =>
      grpcLoad(
        {
          address,
          id: WARM_ID,
          concurrency: GRPC_CONCURRENCY,
          channels: 1,
          durationMs: seconds * 1000,
          processes: GRPC_CLIENTS,
        },
        pid,
      );
    const bareAddress = `127.0.0.1:${bare.port}`;
    await load(bareAddress, bare.pid, CFG.warmSeconds);
    await load(chorus.grpcAddress, chorus.pid, CFG.warmSeconds);
    const { base, ours, ratios } = await alternate(
      () => load(bareAddress, bare.pid, CFG.seconds),
      () => load(chorus.grpcAddress, chorus.pid, CFG.seconds),
    );
    assertServed('warm gRPC', ours);
    return row({
      key: 'warm-grpc',
      scenario: 'Warm lookup, gRPC',
      baseline: side('bare grpc-js, same message', base),
      chorus: side('CatalogService.GetArtist', ours),
      result: median(ratios),
      unit: 'ratio',
      target: { op: '>=', value: 0.8 },
      pairs: ratios,
      notes: [
        `grpc-js load client: ${GRPC_CLIENTS} process(es), ${GRPC_CONCURRENCY} calls in flight over 1 channel each, ${CFG.seconds} s per run`,
        cpuNote(base, ours),
      ],
    });
  } finally {
    await bare.stop();
  }
}
