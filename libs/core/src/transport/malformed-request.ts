import type { PackageDefinition } from '@grpc/proto-loader';
import { packageMethods } from './package-methods';

const MALFORMED = Symbol('chorus.malformedRequest');

interface MalformedRequest {
  [MALFORMED]: string;
}

export function isMalformedRequest(value: unknown): value is MalformedRequest {
  return typeof value === 'object' && value !== null && MALFORMED in value;
}

/**
 * grpc-js answers a request whose bytes are not a valid protobuf message with INTERNAL before any Chorus code
 * runs. Bad input is the caller's fault, so every chorus.v1 method instead deserializes such bytes to a marker
 * that `@Input()` refuses with INVALID_ARGUMENT, like any other malformed request.
 */
export function tolerateMalformedRequests(pkg: PackageDefinition, packageName: string): void {
  for (const method of packageMethods(pkg, packageName)) {
    const deserialize = method.requestDeserialize;
    method.requestDeserialize = (bytes: Buffer): object => {
      try {
        return deserialize(bytes);
      } catch (error) {
        return { [MALFORMED]: (error as Error).message };
      }
    };
  }
}
