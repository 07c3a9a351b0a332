import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';

interface Post {
  path: string;
  contentType: string;
  body: Buffer;
}

/** An OTLP/HTTP collector that keeps each export as it came (protobuf or JSON), at any path. */
class RawReceiver {
  readonly posts: Post[] = [];
  private readonly server: Server;
  private waiters: Array<() => void> = [];

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.posts.push({
          path: request.url ?? '',
          contentType: request.headers['content-type'] ?? '',
          body: Buffer.concat(chunks),
        });
        this.waiters.splice(0).forEach((wake) => wake());
        response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' }).end();
      });
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitFor(predicate: (post: Post) => boolean): Promise<Post> {
    for (;;) {
      const found = this.posts.find(predicate);
      if (found) {
        return found;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const { version: VERSION } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

describe('OpenTelemetry: the standard OTEL_* variables', () => {
  let receiver: RawReceiver;
  let endpoint: string;
  let database: TestDatabase;
  let app: SpawnedApp | undefined;

  beforeAll(async () => {
    receiver = new RawReceiver();
    endpoint = await receiver.listen();
    database = await createTestDatabase('ops_tracing_env');
  });

  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  it('should post http/protobuf to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces, with the resource attributes and service.version', async () => {
    app = await spawnApp({
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/collector/`,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=music%20ops',
    });
    await app.waitReady();
    await fetch(`${app.httpUrl}/v1/providers`);
    const post = await receiver.waitFor((candidate) => candidate.path === '/collector/v1/traces');
    expect(post.contentType).toBe('application/x-protobuf');
    // Protobuf keeps strings as they are: the resource attributes can be read from the bytes.
    const text = post.body.toString('latin1');
    for (const expected of ['service.version', VERSION, 'service.name', 'chorus', 'staging', 'music ops']) {
      expect(text).toContain(expected);
    }
  });

  it('should follow OTEL_TRACES_SAMPLER: parentbased_always_off keeps only traces a caller sampled', async () => {
    const path = `/sampler-${randomUUID()}`;
    app = await spawnApp({
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}${path}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_off',
    });
    await app.waitReady();
    const sampled = randomUUID().replace(/-/g, '');
    await fetch(`${app.httpUrl}/v1/providers`);
    await fetch(`${app.httpUrl}/v1/providers`, { headers: { traceparent: `00-${sampled}-00f067aa0ba902b7-01` } });
    // A graceful stop flushes every span still buffered, so after it the receiver has all there will be.
    expect(await app.stop()).toBe(0);
    const traceIds = receiver.posts
      .filter((post) => post.path === `${path}/v1/traces`)
      .flatMap((post) => [...post.body.toString('utf8').matchAll(/"traceId":"([0-9a-f]+)"/g)].map((m) => m[1]));
    expect(new Set(traceIds)).toEqual(new Set([sampled]));
  });

  it('should export nothing with OTEL_SDK_DISABLED=true, even with an endpoint set', async () => {
    const path = `/disabled-${randomUUID()}`;
    app = await spawnApp({
      DATABASE_URL: database.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}${path}`,
      OTEL_SDK_DISABLED: 'true',
    });
    await app.waitReady();
    await fetch(`${app.httpUrl}/v1/providers`);
    expect(await app.stop()).toBe(0);
    expect(receiver.posts.filter((post) => post.path.startsWith(path))).toEqual([]);
  });

  it('should refuse an OTLP protocol it cannot speak, in one line', async () => {
    app = await spawnApp({ DATABASE_URL: database.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(await app.exited()).not.toBe(0);
    expect(app.stderr().trim().split('\n')).toEqual([
      expect.stringContaining('OTEL_EXPORTER_OTLP_PROTOCOL ("grpc"): must be one of http/protobuf, http/json'),
    ]);
  });
});
