import type { PackageDefinition } from '@grpc/proto-loader';
import { acceptEncodedResponses, EncodedMessage } from './encoded-message';

function method(): { responseSerialize: (value: object) => Buffer } {
  return { responseSerialize: (value: object) => Buffer.from(JSON.stringify(value)) };
}

describe('acceptEncodedResponses', () => {
  it('should send an EncodedMessage as its bytes and serialize anything else as before, in chorus.v1 only', () => {
    const ours = method();
    const health = method();
    const pkg = {
      'chorus.v1.CatalogService': { GetArtist: ours },
      'grpc.health.v1.Health': { Check: health },
    } as unknown as PackageDefinition;

    acceptEncodedResponses(pkg, 'chorus.v1');

    const bytes = Buffer.from([1, 2, 3]);
    expect(ours.responseSerialize(new EncodedMessage(bytes) as unknown as object)).toBe(bytes);
    expect(ours.responseSerialize({ id: 'a' }).toString()).toBe('{"id":"a"}');
    expect(health.responseSerialize(new EncodedMessage(bytes) as unknown as object).toString()).toBe(
      '{"bytes":{"type":"Buffer","data":[1,2,3]}}',
    );
  });
});
