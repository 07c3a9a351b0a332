import { connect, constants as h2 } from 'node:http2';
import { request as httpRequest } from 'node:http';
import { loadSync } from '@grpc/proto-loader';
import { chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import { RetentionService } from '@app/core';
import { queryDatabase } from '../support/database';
import type { TestApp } from '../support/test-app';

/**
 * Row counts of every public table but the listed ones, to prove a run of rejected requests wrote nothing.
 * (`migrations` never changes during a run; callers exclude tables that legitimately record refusals.)
 */
export async function tableCounts(url: string, exclude: string[] = []): Promise<Record<string, number>> {
  const tables = (
    await queryDatabase<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    )
  )
    .map((r) => r.table_name)
    .filter((t) => !['migrations', ...exclude].includes(t));
  const out: Record<string, number> = {};
  for (const table of tables.sort()) {
    out[table] = Number((await queryDatabase<{ n: string }>(url, `SELECT count(*) AS n FROM "${table}"`))[0].n);
  }
  return out;
}

/**
 * Stops the app's scheduled retention cleanup before a row-count comparison. Its first round starts a minute after
 * boot, inside these long suites, and deletes the sessions that earlier properties revoked (Logout, DeleteAccount):
 * the counts would then change for a reason that has nothing to do with the requests under test.
 */
export async function stopRetention(app: TestApp): Promise<void> {
  await app.chorus.app.get(RetentionService).onModuleDestroy();
}

export interface RawGrpcAnswer {
  status: number;
  message: string;
}

/** A raw HTTP/2 gRPC call with an arbitrary framed body: what a broken or hostile client can put on the wire. */
export function rawGrpc(
  address: string,
  path: string,
  frame: Buffer,
  headers: Record<string, string> = {},
): Promise<RawGrpcAnswer> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://${address}`);
    session.on('error', reject);
    const stream = session.request({
      [h2.HTTP2_HEADER_METHOD]: 'POST',
      [h2.HTTP2_HEADER_PATH]: path,
      [h2.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let status = -1;
    let message = '';
    const read = (received: Record<string, unknown>): void => {
      if (received['grpc-status'] !== undefined) {
        status = Number(received['grpc-status']);
        const text = received['grpc-message'];
        message = typeof text === 'string' ? decodeURIComponent(text) : '';
      }
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('data', () => undefined);
    stream.on('error', reject);
    stream.on('close', () => {
      session.close();
      resolve({ status, message });
    });
    stream.end(frame);
  });
}

/** A gRPC length-prefixed message; the declared length and the compressed flag can lie. */
export function grpcFrame(payload: Buffer, declaredLength = payload.length, compressed = 0): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(compressed, 0);
  header.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([header, payload]);
}

export interface RawHttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends exactly these bytes (path, query and body untouched: supertest would re-encode them). */
export function rawHttp(
  httpUrl: string,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<RawHttpAnswer> {
  const base = new URL(httpUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        // A connection of its own: a reused keep-alive socket the server just closed would fail as a "hang up"
        // that says nothing about the request being sent.
        agent: false,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ProtoField {
  name: string;
  number: number;
  type: string;
  /** `.chorus.v1.Track` for message and enum fields. */
  typeName?: string;
  repeated: boolean;
}

export interface ProtoMethod {
  service: string;
  method: string;
  /** `/chorus.v1.CatalogService/GetArtist` */
  path: string;
  key: string;
  requestType: string;
  serverStreaming: boolean;
}

export interface ProtoCatalog {
  methods: ProtoMethod[];
  /** Message name without the leading dot (`chorus.v1.GetArtistRequest`) to its fields. */
  messages: Map<string, ProtoField[]>;
}

interface RawField {
  name: string;
  number: number;
  type: string;
  typeName?: string;
  label: string;
  jsonName?: string;
}

interface RawMethod {
  path: string;
  responseStream: boolean;
  options?: { deprecated?: boolean };
  requestType: { type: { name: string; field: RawField[] } };
}

/** Every method and message of the chorus.v1 package, from the same .proto files the server loads. */
export function protoCatalog(): ProtoCatalog {
  const definition = loadSync(chorusProtoFiles(), PROTO_LOADER_OPTIONS) as unknown as Record<string, unknown>;
  const messages = new Map<string, ProtoField[]>();
  const methods: ProtoMethod[] = [];
  const fieldsOf = (raw: RawField[]): ProtoField[] =>
    raw.map((f) => ({
      // proto-loader leaves jsonName empty; with keepCase off, clients use the camelCase name.
      name: f.jsonName || f.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()),
      number: f.number,
      type: f.type,
      typeName: f.typeName || undefined,
      repeated: f.label === 'LABEL_REPEATED',
    }));
  for (const [name, node] of Object.entries(definition)) {
    if (!name.startsWith('chorus.v1.')) {
      continue;
    }
    const described = node as { format?: string; type?: { field?: RawField[] } };
    if (described.format?.includes('DescriptorProto') && described.type?.field) {
      messages.set(name, fieldsOf(described.type.field));
    } else if (described.format === undefined) {
      for (const [method, raw] of Object.entries(node as Record<string, RawMethod>)) {
        // A deprecated method no server handles answers UNIMPLEMENTED before reading anything: nothing to probe.
        if (raw.options?.deprecated) {
          continue;
        }
        methods.push({
          service: name,
          method,
          path: raw.path,
          key: `${name.replace('chorus.v1.', '')}/${method}`,
          requestType: `chorus.v1.${raw.requestType.type.name}`,
          serverStreaming: raw.responseStream,
        });
      }
    }
  }
  return { methods: methods.sort((a, b) => a.key.localeCompare(b.key)), messages };
}
