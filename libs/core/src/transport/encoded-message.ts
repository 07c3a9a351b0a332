import type { PackageDefinition } from '@grpc/proto-loader';

/** A response message serialized once and sent as these bytes again (a replayed answer). */
export class EncodedMessage {
  constructor(readonly bytes: Buffer) {}
}

/**
 * Lets every chorus.v1 method send an EncodedMessage as it is: a replayed answer would otherwise go through
 * protobufjs's fromObject and encode on every call, ~10% of a replayed call's CPU (bench/README.md).
 */
export function acceptEncodedResponses(pkg: PackageDefinition, packageName: string): void {
  for (const [name, definition] of Object.entries(pkg)) {
    if (!name.startsWith(`${packageName}.`) || 'format' in definition) {
      continue;
    }
    for (const method of Object.values(definition)) {
      const serialize = method.responseSerialize;
      method.responseSerialize = (value: unknown): Buffer =>
        value instanceof EncodedMessage ? value.bytes : serialize(value as object);
    }
  }
}
