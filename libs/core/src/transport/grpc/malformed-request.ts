import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';

const MALFORMED = Symbol('chorus.malformedRequest');

interface MalformedRequest {
  [MALFORMED]: string;
}

export function isMalformedRequest(value: unknown): value is MalformedRequest {
  return typeof value === 'object' && value !== null && MALFORMED in value;
}

function isService(
  definition: PackageDefinition[string],
): definition is Record<string, MethodDefinition<object, object>> {
  // Message and enum definitions carry a `format`; service definitions are maps of methods.
  return !('format' in definition);
}

type MethodWrapper = (method: MethodDefinition<object, object>) => MethodDefinition<object, object>;

/** A copy of `pkg` in which every method of `packageName`'s services is `wrap(method)`; proto-loader's own objects are not touched. */
export function withWrappedMethods(
  pkg: PackageDefinition,
  packageName: string,
  wrap: MethodWrapper,
): PackageDefinition {
  const out: PackageDefinition = {};
  for (const [name, definition] of Object.entries(pkg)) {
    if (name.startsWith(`${packageName}.`) && isService(definition)) {
      out[name] = Object.fromEntries(Object.entries(definition).map(([key, method]) => [key, wrap(method)]));
    } else {
      out[name] = definition;
    }
  }
  return out;
}

function tolerant(method: MethodDefinition<object, object>): MethodDefinition<object, object> {
  const deserialize = method.requestDeserialize;
  return {
    ...method,
    requestDeserialize: (bytes: Buffer): object => {
      try {
        // A plain Uint8Array, not the Buffer: protobufjs's Buffer reader cuts a string whose declared length runs
        // past the end short without a word, so a truncated message would pass as a valid one.
        return deserialize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Buffer);
      } catch (error) {
        return { [MALFORMED]: (error as Error).message };
      }
    },
  };
}

/**
 * grpc-js answers a request whose bytes are not a valid protobuf message with INTERNAL before any Chorus code
 * runs. Bad input is the caller's fault: this builds the package definition Chorus serves (a copy; proto-loader's
 * own objects are not touched) in which every method of `packageName` deserializes such bytes to a marker, which
 * `@Input()` refuses with INVALID_ARGUMENT like any other malformed request, through the one exception filter.
 */
export function withMalformedRequestMarkers(pkg: PackageDefinition, packageName: string): PackageDefinition {
  return withWrappedMethods(pkg, packageName, tolerant);
}
