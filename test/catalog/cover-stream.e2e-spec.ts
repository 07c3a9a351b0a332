import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream, generatedAlbumId } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const KIB = 1024;
const MIB = 1024 * KIB;
const MAX_BYTES = 8 * MIB;
const CHUNK = 64 * KIB;
const UNKNOWN_MBID = 'musicbrainz:00000000-0000-4000-8000-000000000000';

const album = (n: number): string => `musicbrainz:${generatedAlbumId(n)}`;

interface CoverPart {
  part?: 'info' | 'chunk';
  info?: { contentType: string; etag: string; size: string; source: string };
  chunk?: Buffer;
}

function streamCover(grpc: Client, id: string) {
  return grpcCall<{ messages: CoverPart[] }>(grpc, 'StreamCover', { id, size: 'original' }, {}, 120_000);
}

describe('Cover images streamed over gRPC (StreamCover)', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(
      upstreamEnv(fake, {
        CATALOG_COVER_MAX_BYTES: String(MAX_BYTES),
        CATALOG_COVER_MAX_DOWNLOADS: '1',
        // The queue wait is a quarter of it (2 s).
        CATALOG_COVER_TIMEOUT_MS: '8000',
      }),
    );
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  beforeEach(() => fake.reset());

  it('should stream a 6 MiB cover in 64 KiB chunks, byte for byte what REST sends, fetched once', async () => {
    fake.images.size = 6 * MIB;
    const rest = await request(sut.httpUrl)
      .get(`/v1/cover/${album(1)}?size=original`)
      .buffer(true);
    const streamed = await streamCover(grpc, album(1));

    expect(rest.status).toBe(200);
    const restBytes = Buffer.from(rest.body as Buffer);
    expect(restBytes.length).toBe(6 * MIB);
    expect(streamed.error).toBeUndefined();
    const [head, ...parts] = streamed.response?.messages ?? [];
    expect(head).toEqual({
      part: 'info',
      info: { contentType: 'image/jpeg', etag: rest.headers.etag, size: String(6 * MIB), source: '127.0.0.1' },
    });
    expect(parts.every((message) => message.part === 'chunk' && message.info === undefined)).toBe(true);
    const chunks = parts.map((message) => Buffer.from(message.chunk ?? []));
    expect(chunks.length).toBe((6 * MIB) / CHUNK);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBe(CHUNK);
    expect(Buffer.concat(chunks).equals(restBytes)).toBe(true);
    expect(streamed.metadata?.get('x-cache')).toEqual(['HIT']);
    expect(fake.images.served).toBe(1);
  });

  it('should refuse GetCover for a cover larger than one message, unread, naming StreamCover', async () => {
    // 6 MiB is over GRPC_MAX_MESSAGE_BYTES (4 MiB by default, also grpc-js's default for what a client takes).
    fake.images.size = 6 * MIB;
    const streamed = await streamCover(grpc, album(2));
    const whole = await grpcCall(grpc, 'GetCover', { id: album(2), size: 'original' });
    fake.images.size = 64 * KIB;
    const small = await grpcCall<{ data: Buffer }>(grpc, 'GetCover', { id: album(2), size: '250' });

    expect(streamed.error).toBeUndefined();
    expect(whole.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(whole.error?.details).toContain('StreamCover');
    expect(whole.trailers?.get('chorus-error-code')).toEqual(['PAYLOAD_TOO_LARGE']);
    // The thumbnail fits: GetCover still answers small images in one message.
    expect(small.error).toBeUndefined();
    expect(Buffer.from(small.response?.data ?? []).length).toBe(64 * KIB);
    expect(fake.images.served).toBe(2);
  });

  it('should answer NOT_FOUND for an unknown album, before sending anything', async () => {
    const streamed = await streamCover(grpc, UNKNOWN_MBID);

    expect(streamed.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(streamed.response).toBeUndefined();
    expect(fake.images.served).toBe(0);
  });

  it('should refuse an image over the byte cap as GetCover does', async () => {
    fake.images.size = MAX_BYTES + 1;

    const streamed = await streamCover(grpc, album(3));

    expect(streamed.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(streamed.error?.details).toContain('CATALOG_COVER_MAX_BYTES');
  });

  it('should answer UNAVAILABLE with retry-after when every download slot stays busy', async () => {
    const release = fake.images.hold();
    // supertest sends on `then`: start it now, so it takes the one slot while the fake holds the bytes.
    const held = request(sut.httpUrl)
      .get(`/v1/cover/${album(4)}`)
      .then((answer) => answer);
    await fake.images.arrived(1);

    const streamed = await streamCover(grpc, album(5));
    release();

    expect(streamed.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(Number(streamed.trailers?.get('retry-after')[0])).toBeGreaterThanOrEqual(1);
    expect((await held).status).toBe(200);
    expect(fake.images.served).toBe(1);
  });
});
