import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, generatedAlbumId } from '../fake-upstream';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { growthDuring, heapProbeArgs } from '../support/heap-probe';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';
import { upstreamEnv } from '../support/upstream-env';

jest.setTimeout(600_000);

const MIB = 1024 * 1024;
const REQUESTS = 50;
/**
 * Each cover asked twice: the second request shares the first one's download, so no request queues for a slot
 * (a wait with a deadline) however slow the box. 25 stays below the 32 connections the providers' HTTP agent
 * opens to one origin (the fake serves every provider from one).
 */
const COVERS = 25;
const MAX_DOWNLOADS = COVERS;
const IMAGE_BYTES = 16 * MIB;

interface Received {
  status: number;
  /** The problem's detail when refused. */
  detail?: string;
  etag: string;
  bytes: number;
  sha256: string;
}

/** A cover read as it streams in, hashed and counted, so 400 MiB of answers never sit in the test's memory. */
async function receiveCover(app: SpawnedApp, n: number): Promise<Received> {
  const response = await fetch(`${app.httpUrl}/v1/cover/musicbrainz:${generatedAlbumId(n)}`);
  if (response.status !== 200) {
    const { detail } = (await response.json()) as { detail?: string };
    return { status: response.status, detail, etag: '', bytes: 0, sha256: '' };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { status: response.status, etag: response.headers.get('etag') ?? '', bytes, sha256: hash.digest('hex') };
}

describe('Cover downloads and memory', () => {
  const fake = new FakeUpstream();
  let database: TestDatabase;
  let dataDir: string;
  let app: SpawnedApp;

  beforeAll(async () => {
    await fake.start();
    database = await createTestDatabase('cover_memory');
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-covers-'));
    app = await spawnApp(
      upstreamEnv(fake, {
        DATABASE_URL: database.url,
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: `test:${database.name}:`,
        DATA_DIR: dataDir,
        // 25 images on their way together: held whole, they would cost 400 MiB at the same moment.
        CATALOG_COVER_MAX_DOWNLOADS: String(MAX_DOWNLOADS),
        CATALOG_COVER_MAX_BYTES: String(2 * IMAGE_BYTES),
        // All kept, so none is evicted before it is sent.
        CATALOG_COVER_CACHE_MAX_BYTES: String(4 * COVERS * IMAGE_BYTES),
        // The slow host below makes each download take seconds; the limit is not what this test is about.
        CATALOG_COVER_TIMEOUT_MS: '120000',
        // 50 album lookups at once on a busy box; a lookup timing out would be a 503 unrelated to memory.
        PROVIDER_TIMEOUTS_MS: 'musicbrainz=30000,coverartarchive=30000',
        // And the wait for one of the 10 pooled PostgreSQL connections, which 50 requests at once share.
        DB_CONNECT_TIMEOUT_MS: '120000',
        // On a box this busy a kept-alive connection to the fake is now and then reset under a download; asked
        // again, as the providers' client does for real hosts.
        PROVIDER_RETRY_ATTEMPTS: '3',
      }),
      { nodeArgs: heapProbeArgs(), ipc: true },
    );
    await app.waitReady();
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should relay 50 concurrent requests for 25 16 MiB covers over REST within the download cap, memory growing by far less than the images', async () => {
    fake.images.size = IMAGE_BYTES;
    // 256 chunks of 64 KiB, each after a pause: every download is still streaming while the others are.
    fake.images.chunkDelayMs = 20;
    const release = fake.images.hold();
    const answers = Array.from({ length: REQUESTS }, (_, i) => receiveCover(app, (i % COVERS) + 1));
    // Measured from the moment every slot is taken by a download waiting for its first byte.
    await fake.images.arrived(MAX_DOWNLOADS);

    let received: Received[] = [];
    // Each sample forces a full collection, which on a busy box can take longer than the app's work between
    // samples: one a second leaves the app its time to stream, and still several during the downloads.
    const growth = await growthDuring(
      app.process,
      async () => {
        release();
        received = await Promise.all(answers);
      },
      { intervalMs: 1000, external: true },
    );

    // Streamed to files, the downloads grow memory (JS heap and Buffers outside it) by the chunks in flight,
    // whatever the images' size: 7 to 40 MiB here, depending on how busy the box is. Holding the 25 images in
    // flight whole would cost 400 MiB (630 MiB measured, with the garbage of the copies). The bound sits between.
    expect(growth).toBeLessThan(128 * MIB);
    // The refusals before the statuses: a failure then says why a cover was refused.
    expect(received.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(received.map((answer) => answer.status)).toEqual(Array(REQUESTS).fill(200));
    expect(received.map((answer) => answer.bytes)).toEqual(Array(REQUESTS).fill(IMAGE_BYTES));
    expect(received.map((answer) => answer.etag)).toEqual(received.map((answer) => `"${answer.sha256}"`));
    expect(new Set(received.map((answer) => answer.sha256)).size).toBe(COVERS);
    expect(received.slice(COVERS).map((answer) => answer.sha256)).toEqual(
      received.slice(0, COVERS).map((answer) => answer.sha256),
    );
    expect(fake.images.served).toBe(COVERS);
    // The cap reached (what the memory bound is about), never exceeded.
    expect(fake.images.peakInFlight).toBe(MAX_DOWNLOADS);
  });
});
