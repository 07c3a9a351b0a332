import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  scope: string;
}

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{ scope: { name: string }; spans: Array<Omit<ReceivedSpan, 'scope'>> }>;
  }>;
}

/** A stand-in OTLP/HTTP collector: counts POSTs to /v1/traces and keeps the (JSON-encoded) spans. */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly resources: OtlpAttribute[][] = [];
  posts = 0;
  private readonly server: Server;
  private waiters: Array<() => void> = [];

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/v1/traces') {
          this.posts += 1;
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
          for (const resource of body.resourceSpans) {
            this.resources.push(resource.resource.attributes);
            for (const scope of resource.scopeSpans) {
              this.spans.push(...scope.spans.map((span) => ({ ...span, scope: scope.scope.name })));
            }
          }
          // Each waiter looks again; those still unmatched queue up for the next export.
          this.waiters.splice(0).forEach((wake) => wake());
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves with the first span matching, as exports arrive. No deadline of its own: Jest's test timeout is it. */
  async waitFor(predicate: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan> {
    for (;;) {
      const found = this.spans.find(predicate);
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

function attribute(span: ReceivedSpan, key: string): string | undefined {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
}

const SERVER = 2;
const { version: VERSION } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

describe('OpenTelemetry tracing', () => {
  let receiver: OtlpReceiver;
  let database: TestDatabase;
  let app: SpawnedApp;
  let token: string;

  beforeAll(async () => {
    receiver = new OtlpReceiver();
    const endpoint = await receiver.listen();
    database = await createTestDatabase('ops_tracing');
    app = await spawnApp({
      DATABASE_URL: database.url,
      REDIS_URL: SHARED_REDIS_URL,
      REDIS_KEY_PREFIX: `test:${database.name}:`,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    await app.waitReady();
    const registered = await fetch(`${app.httpUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `trace-${randomUUID()}@example.com`, password: 'correct horse battery staple' }),
    });
    expect(registered.status).toBe(201);
    token = ((await registered.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await database?.drop();
  });

  it('should export a server span per HTTP request, named by route, with user.id and database children', async () => {
    const response = await fetch(`${app.httpUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const server = await receiver.waitFor((span) => span.kind === SERVER && span.name === 'GET /v1/me');
    expect(attribute(server, 'http.route')).toBe('/v1/me');
    expect(attribute(server, 'user.id')).toMatch(/^[0-9a-f-]{36}$/);
    const query = await receiver.waitFor(
      (span) => span.traceId === server.traceId && span.scope.includes('instrumentation-pg'),
    );
    expect(query.parentSpanId).toBeDefined();
  });

  it('should report service.name and service.version (from package.json) on the resource', async () => {
    await receiver.waitFor((span) => span.kind === SERVER);
    const resource = Object.fromEntries(receiver.resources[0].map((entry) => [entry.key, entry.value.stringValue]));
    expect(resource).toEqual(expect.objectContaining({ 'service.name': 'chorus', 'service.version': VERSION }));
  });

  it('should continue a caller traceparent', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    await fetch(`${app.httpUrl}/v1/me`, {
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const server = await receiver.waitFor((span) => span.traceId === traceId && span.kind === SERVER);
    expect(server.parentSpanId).toBe('00f067aa0ba902b7');
  });

  it('should export a server span per gRPC call with user.id', async () => {
    const client = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    try {
      const result = await grpcCall(client, 'GetMe', {}, { authorization: `Bearer ${token}` });
      expect(result.error).toBeUndefined();
    } finally {
      client.close();
    }
    const span = await receiver.waitFor(
      (candidate) => candidate.kind === SERVER && candidate.name.includes('chorus.v1.AuthService/GetMe'),
    );
    expect(attribute(span, 'user.id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should put the trace id on the log lines of the request', async () => {
    const server = await receiver.waitFor((span) => span.kind === SERVER && span.name === 'GET /v1/me');
    const lines = app
      .stdout()
      .split('\n')
      .filter((line) => line.includes(server.traceId));
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0])).toEqual(expect.objectContaining({ traceId: server.traceId, route: '/v1/me' }));
  });

  it('should not trace probes or /metrics', async () => {
    await fetch(`${app.httpUrl}/health/live`);
    await fetch(`${app.httpUrl}/metrics`);
    await fetch(`${app.httpUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const marker = receiver.spans.length;
    await receiver.waitFor((span) => receiver.spans.indexOf(span) >= marker && span.kind === SERVER);
    expect(receiver.spans.filter((span) => /health|metrics/.test(span.name))).toEqual([]);
    expect(receiver.posts).toBeGreaterThan(0);
  });
});
