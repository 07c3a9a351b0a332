import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';

type UnaryMethod = ((
  request: unknown,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: unknown) => void,
) => void) & { responseStream?: boolean };

type ServerStreamMethod = (request: unknown, metadata: Metadata, options: { deadline: number }) => ClientReadable;

interface ClientReadable {
  on(event: 'data', listener: (message: unknown) => void): void;
  on(event: 'error', listener: (error: ServiceError) => void): void;
  on(event: 'metadata', listener: (metadata: Metadata) => void): void;
  on(event: 'status', listener: (status: { metadata?: Metadata }) => void): void;
}

type ClientConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client;

export interface GrpcResult<T> {
  response?: T;
  error?: ServiceError;
  /** Initial metadata (headers) of a success; the trailers of an error. */
  metadata?: Metadata;
  trailers?: Metadata;
}

/** A raw grpc-js client loaded from the same .proto files as the server, as an app developer would use. */
export function grpcClient(address: string, service: string): Client {
  const definition = loadSync([...chorusProtoFiles(), healthProtoPath], PROTO_LOADER_OPTIONS);
  const loaded = loadPackageDefinition(definition);
  const ctor = service.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded);
  return new (ctor as ClientConstructor)(address, credentials.createInsecure());
}

export function grpcCall<T = Record<string, unknown>>(
  client: Client,
  method: string,
  request: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<GrpcResult<T>> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) {
    metadata.set(key, value);
  }
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (typeof fn !== 'function') {
    throw new Error(`no gRPC method ${method}`);
  }
  if (fn.responseStream) {
    return serverStream<T>(client, fn as unknown as ServerStreamMethod, request, metadata, timeoutMs);
  }
  return new Promise((resolve) => {
    let responseMetadata: Metadata | undefined;
    let outcome: { error: ServiceError | null; response: unknown } | undefined;
    let trailers: Metadata | undefined;
    const settle = (): void => {
      if (outcome && trailers) {
        const { error, response } = outcome;
        resolve(
          error
            ? { error, metadata: error.metadata, trailers }
            : { response: response as T, metadata: responseMetadata, trailers },
        );
      }
    };
    const call = fn.call(client, request, metadata, { deadline: Date.now() + timeoutMs }, (error, response) => {
      outcome = { error, response };
      settle();
    }) as unknown as { on?: (event: string, listener: (value: { metadata?: Metadata } & Metadata) => void) => void };
    call.on?.('metadata', (md) => {
      responseMetadata = md;
    });
    call.on?.('status', (status) => {
      trailers = status.metadata ?? new Metadata();
      settle();
    });
  });
}

/** A server-streaming call, answered as `{ messages }`: every message the server sent, in order. */
function serverStream<T>(
  client: Client,
  fn: ServerStreamMethod,
  request: unknown,
  metadata: Metadata,
  timeoutMs: number,
): Promise<GrpcResult<T>> {
  return new Promise((resolve) => {
    const messages: unknown[] = [];
    let responseMetadata: Metadata | undefined;
    let error: ServiceError | undefined;
    const call = fn.call(client, request, metadata, { deadline: Date.now() + timeoutMs });
    call.on('data', (message) => messages.push(message));
    call.on('metadata', (md) => {
      responseMetadata = md;
    });
    call.on('error', (failure) => {
      error = failure;
    });
    call.on('status', (status) => {
      const trailers = status.metadata ?? new Metadata();
      resolve(
        error
          ? { error, metadata: error.metadata, trailers }
          : { response: { messages } as T, metadata: responseMetadata, trailers },
      );
    });
  });
}
