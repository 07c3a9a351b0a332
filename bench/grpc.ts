import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '../libs/contracts/src';
import { REPO_ROOT } from './common';

/** The source .proto files (the compiled contracts look for them next to dist/, which bench does not use). */
const PROTO_ROOT = join(REPO_ROOT, 'libs', 'contracts', 'proto');

/** chorus.v1.CatalogService loaded exactly as the server and the tests load it. */
export function catalogService(): ServiceClientConstructor {
  const dir = join(PROTO_ROOT, 'chorus', 'v1');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.proto'))
    .sort()
    .map((name) => join(dir, name));
  const definition = loadSync(files, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
  const chorus = loadPackageDefinition(definition).chorus as unknown as {
    v1: { CatalogService: ServiceClientConstructor };
  };
  return chorus.v1.CatalogService;
}
