import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream, generatedAlbumId } from '../fake-upstream';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const KIB = 1024;
const MAX_DOWNLOADS = 4;
const MAX_BYTES = 256 * KIB;

const album = (n: number): string => `musicbrainz:${generatedAlbumId(n)}`;

interface CoverFiles {
  names: string[];
  bytes: number;
}

function coverFiles(dataDir: string): CoverFiles {
  const dir = join(dataDir, 'covers');
  const names = (() => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  })();
  return { names, bytes: names.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0) };
}

function expectProblem(response: request.Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('Cover image cache', () => {
  const fake = new FakeUpstream();
  let dataDir: string;
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-covers-'));
    sut = await bootTestApp(
      upstreamEnv(fake, {
        DATA_DIR: dataDir,
        CATALOG_COVER_MAX_DOWNLOADS: String(MAX_DOWNLOADS),
        CATALOG_COVER_MAX_BYTES: String(MAX_BYTES),
        // The queue wait is a quarter of it (5 s); a held download times out only after 20 s, which leaves a
        // loaded box 15 s beyond the slot wait the refused requests sit through.
        CATALOG_COVER_TIMEOUT_MS: '20000',
      }),
    );
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => fake.reset());

  it('should fetch the bytes once for 20 requests, a revalidation and gRPC, through the providers client', async () => {
    const path = `/v1/cover/${DISCOVERY}?size=500`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(sut.httpUrl).get(path).buffer(true)));
    const etags = new Set(answers.map((answer) => String(answer.headers.etag)));
    const revalidated = await request(sut.httpUrl)
      .get(path)
      .set('if-none-match', [...etags][0] ?? '');
    const rpc = await grpcCall<{ contentType: string; data: Buffer }>(grpc, 'GetCover', { id: DISCOVERY, size: '500' });

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(etags.size).toBe(1);
    expect([...etags][0]).toMatch(/^"[0-9a-f]{64}"$/);
    expect(revalidated.status).toBe(304);
    expect(rpc.response?.contentType).toBe('image/jpeg');
    expect(Buffer.from(rpc.response?.data ?? []).equals(Buffer.from(answers[0]?.body as Buffer))).toBe(true);
    expect(fake.images.served).toBe(1);
    const [hop] = fake.requests('/coverartarchive/release/').filter((r) => r.path.endsWith('.jpg'));
    expect(hop?.path).toMatch(/-500\.jpg$/);
    expect(hop?.headers['user-agent']).toMatch(/^Chorus\/\S+ \( .+ \)$/);
    expect(fake.requests('/archive/download')[0]?.headers['user-agent']).toBe(hop?.headers['user-agent']);
  });

  it('should refuse an image over the byte cap while streaming it, and keep nothing', async () => {
    fake.images.size = 16 * 1024 * KIB;
    fake.images.omitLength = true;
    const before = coverFiles(dataDir);

    const rest = await request(sut.httpUrl).get(`/v1/cover/${album(100)}`);
    const rpc = await grpcCall(grpc, 'GetCover', { id: album(101), size: 'original' });

    expectProblem(rest, 503);
    expect(rest.body.detail).toContain('CATALOG_COVER_MAX_BYTES');
    expect(rpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(rpc.error?.details).toContain('CATALOG_COVER_MAX_BYTES');
    // The fake stops writing once Chorus stops reading: far less than the image was sent.
    expect(Math.max(...fake.images.bytesSent)).toBeLessThan(16 * 1024 * KIB);
    expect(coverFiles(dataDir)).toEqual(before);
  });

  it('should refuse an image whose declared length is over the cap before reading it', async () => {
    fake.images.size = MAX_BYTES + 1;
    const before = coverFiles(dataDir);

    const rest = await request(sut.httpUrl).get(`/v1/cover/${album(102)}`);

    expectProblem(rest, 503);
    expect(rest.body.detail).toContain('CATALOG_COVER_MAX_BYTES');
    expect(coverFiles(dataDir)).toEqual(before);
  });

  it('should answer 503 with Retry-After (UNAVAILABLE on gRPC) when every download slot stays busy', async () => {
    // The refused requests' album lookups are done first, so the held downloads wait only for the slot wait.
    for (const n of [210, 211]) {
      expect((await request(sut.httpUrl).get(`/v1/albums/${album(n)}/cover-art`)).status).toBe(200);
    }
    const release = fake.images.hold();
    // supertest sends on `then`: start them now, so they take the slots while the fake holds the bytes.
    const held = Array.from({ length: MAX_DOWNLOADS }, (_, i) =>
      request(sut.httpUrl)
        .get(`/v1/cover/${album(200 + i)}`)
        .then((answer) => answer),
    );
    await fake.images.arrived(MAX_DOWNLOADS);

    const [rest, rpc] = await Promise.all([
      request(sut.httpUrl).get(`/v1/cover/${album(210)}`),
      grpcCall(grpc, 'GetCover', { id: album(211), size: 'original' }),
    ]);
    release();
    const heldAnswers = await Promise.all(held);

    expectProblem(rest, 503);
    expect(rest.body.detail).toContain(`all ${MAX_DOWNLOADS} cover download slots are busy`);
    expect(Number(rest.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(rpc.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(rpc.error?.details).toContain(`all ${MAX_DOWNLOADS} cover download slots are busy`);
    expect(heldAnswers.map((answer) => answer.status)).toEqual(Array(MAX_DOWNLOADS).fill(200));
    expect(fake.images.served).toBe(MAX_DOWNLOADS);
  });
});

/** No deadline of the test's own should decide the outcome while 50 downloads queue behind 4 slots on a busy box. */
const LOADED_DEADLINE_MS = 300_000;

describe('Cover download cap under load', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(
      upstreamEnv(fake, {
        CATALOG_COVER_MAX_DOWNLOADS: String(MAX_DOWNLOADS),
        // Its own app, because the queue wait (a quarter of this) is a wall-clock bound: 50 downloads behind 4
        // slots on a loaded 2-core box can outlast the short wait the slots-busy test needs. The largest timeout
        // leaves 30 s, so a refusal here would mean the queue stopped draining, not that the box was slow.
        CATALOG_COVER_TIMEOUT_MS: '120000',
        // Likewise the 50 album lookups behind the downloads: a timed-out lookup is a 503 this test is not about.
        PROVIDER_TIMEOUTS_MS: 'musicbrainz=30000,coverartarchive=30000',
        // And the wait for one of the 10 pooled PostgreSQL connections, which 50 requests at once share.
        DB_CONNECT_TIMEOUT_MS: '120000',
      }),
    );
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  it(
    'should never run more downloads than the cap for 50 distinct covers over REST and gRPC',
    async () => {
      fake.images.size = 64 * KIB;
      fake.images.latencyMs = 20;
      const rest = Array.from({ length: 40 }, (_, i) => request(sut.httpUrl).get(`/v1/cover/${album(i + 1)}`));
      const rpc = Array.from({ length: 10 }, (_, i) =>
        grpcCall(grpc, 'GetCover', { id: album(i + 41), size: 'original' }, {}, LOADED_DEADLINE_MS),
      );

      const [restAnswers, rpcAnswers] = await Promise.all([Promise.all(rest), Promise.all(rpc)]);

      // The problems first: a failure then says why a cover was refused.
      expect(restAnswers.filter((answer) => answer.status !== 200).map((answer) => answer.body as unknown)).toEqual([]);
      expect(rpcAnswers.filter((answer) => answer.error).map((answer) => answer.error?.details)).toEqual([]);
      expect(restAnswers.map((answer) => answer.status)).toEqual(Array(40).fill(200));
      expect(rpcAnswers.map((answer) => answer.error?.code)).toEqual(Array(10).fill(undefined));
      expect(fake.images.served).toBe(50);
      expect(fake.images.peakInFlight).toBeLessThanOrEqual(MAX_DOWNLOADS);
      expect(fake.images.peakInFlight).toBeGreaterThan(1);
    },
    2 * LOADED_DEADLINE_MS,
  );
});

describe('Cover image cache on disk', () => {
  const fake = new FakeUpstream();
  const image = 40 * KIB;
  const budget = 100 * KIB;
  let dataDir: string;
  let database: TestDatabase;
  let sut: TestApp;

  const boot = (): Promise<TestApp> =>
    bootTestApp(upstreamEnv(fake, { DATA_DIR: dataDir, CATALOG_COVER_CACHE_MAX_BYTES: String(budget) }), database);
  const cover = (n: number): Promise<request.Response> =>
    request(sut.httpUrl)
      .get(`/v1/cover/${album(n)}`)
      .buffer(true);

  beforeAll(async () => {
    await fake.start();
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-covers-'));
    database = await createTestDatabase();
    sut = await boot();
  });

  afterAll(async () => {
    await sut.close();
    await database.drop();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should evict the least recently used images to stay within the byte budget', async () => {
    fake.images.size = image;
    for (const n of [1, 2, 3]) {
      expect((await cover(n)).status).toBe(200);
    }
    expect(fake.images.served).toBe(3);
    expect(coverFiles(dataDir).bytes).toBeLessThanOrEqual(budget);

    expect((await cover(2)).status).toBe(200);
    expect(fake.images.served).toBe(3);
    expect((await cover(1)).status).toBe(200);
    expect(fake.images.served).toBe(4);
    expect((await cover(2)).status).toBe(200);
    expect(fake.images.served).toBe(4);
    expect((await cover(3)).status).toBe(200);
    expect(fake.images.served).toBe(5);
    expect(coverFiles(dataDir)).toMatchObject({ bytes: 2 * image });
  });

  it('should serve kept images from disk after a restart without fetching them again', async () => {
    const before = await cover(3);
    await sut.close();
    fake.reset();
    sut = await boot();

    const after = await cover(3);
    const rpcClient = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
    const rpc = await grpcCall<{ data: Buffer }>(rpcClient, 'GetCover', { id: album(3), size: '500' });
    rpcClient.close();

    expect(after.status).toBe(200);
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(Buffer.from(after.body as Buffer).equals(Buffer.from(before.body as Buffer))).toBe(true);
    expect(Buffer.from(rpc.response?.data ?? []).length).toBe(image);
    expect(fake.images.served).toBe(0);
    expect(fake.requests('/coverartarchive/release/').filter((r) => r.path.endsWith('.jpg'))).toEqual([]);
  });
});
