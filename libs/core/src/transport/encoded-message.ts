import type { PackageDefinition } from '@grpc/proto-loader';
import { packageMethods } from './package-methods';

/** A response message serialized once and sent as these bytes again (a replayed answer). */
export class EncodedMessage {
  constructor(readonly bytes: Buffer) {}
}

/**
 * Lets every chorus.v1 method send an EncodedMessage as it is: a replayed answer would otherwise go through
 * protobufjs's fromObject and encode on every call (bench/README.md, round 5).
 */
export function acceptEncodedResponses(pkg: PackageDefinition, packageName: string): void {
  for (const method of packageMethods(pkg, packageName)) {
    const serialize = method.responseSerialize;
    method.responseSerialize = (value: unknown): Buffer =>
      value instanceof EncodedMessage ? value.bytes : serialize(value as object);
  }
}
