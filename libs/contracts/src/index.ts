import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Root for proto imports; `nest build` copies the .proto files next to the compiled code. */
export const PROTO_ROOT = resolve(__dirname, '..', 'proto');
export const CHORUS_PACKAGE = 'chorus.v1';

/** Every Chorus .proto file; a new service only needs its file in proto/chorus/v1. */
export function chorusProtoFiles(): string[] {
  const dir = join(PROTO_ROOT, 'chorus', 'v1');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.proto'))
    .sort()
    .map((name) => join(dir, name));
}

/** The same loader options for the server, the tests' clients and the benchmarks. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};
