import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import { isMalformedRequest, withMalformedRequestMarkers } from './malformed-request';

describe(withMalformedRequestMarkers.name, () => {
  const pkg = withMalformedRequestMarkers(loadSync(chorusProtoFiles(), PROTO_LOADER_OPTIONS), 'chorus.v1');
  const method = (name: string) =>
    (pkg['chorus.v1.CatalogService'] as unknown as Record<string, MethodDefinition<object, object>>)[name];

  it('should decode a valid message as usual', () => {
    const sut = method('BatchGetArtists');
    const bytes = sut.requestSerialize({ ids: ['deezer:27'] });
    expect(sut.requestDeserialize(bytes)).toEqual({ ids: ['deezer:27'] });
  });

  it('should mark a string whose declared length runs past the end, not cut it short', () => {
    // Field 1 (length-delimited), 127 bytes declared, one given.
    const sut = method('BatchGetArtists').requestDeserialize(Buffer.from([0x0a, 0x7f, 0x21]));
    expect(isMalformedRequest(sut)).toBe(true);
  });
});
