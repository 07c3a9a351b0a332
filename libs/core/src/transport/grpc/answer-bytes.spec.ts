import { loadSync, type MethodDefinition, type PackageDefinition } from '@grpc/proto-loader';
import { chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import { markAnswerValue, withAnswerBytesOnce } from './answer-bytes';

type Method = MethodDefinition<object, object>;

/** The chorus package with GetArtist's response serializer counting its calls. */
function counted(): { pkg: PackageDefinition; encodings: () => number } {
  const pkg = loadSync(chorusProtoFiles(), PROTO_LOADER_OPTIONS);
  const service = pkg['chorus.v1.CatalogService'] as unknown as Record<string, Method>;
  const original = service.GetArtist;
  let count = 0;
  service.GetArtist = {
    ...original,
    responseSerialize: (value: object) => {
      count += 1;
      return original.responseSerialize(value);
    },
  };
  return { pkg, encodings: () => count };
}

const getArtist = (pkg: PackageDefinition): Method =>
  (pkg['chorus.v1.CatalogService'] as unknown as Record<string, Method>).GetArtist;

describe(withAnswerBytesOnce.name, () => {
  it('should encode an answer value once and send the same bytes on every later call', () => {
    const { pkg, encodings } = counted();
    const sut = getArtist(withAnswerBytesOnce(pkg, 'chorus.v1'));
    const value = { id: 'deezer:27', name: 'Daft Punk' };
    markAnswerValue(value);

    const first = sut.responseSerialize(value);
    const second = sut.responseSerialize(value);

    expect(encodings()).toBe(1);
    expect(second).toBe(first);
    expect(getArtist(pkg).responseDeserialize(second)).toMatchObject({ id: 'deezer:27', name: 'Daft Punk' });
  });

  it('should encode every other message on every call', () => {
    const { pkg, encodings } = counted();
    const sut = getArtist(withAnswerBytesOnce(pkg, 'chorus.v1'));
    const value = { id: 'deezer:27', name: 'Daft Punk' };

    sut.responseSerialize(value);
    sut.responseSerialize(value);

    expect(encodings()).toBe(2);
  });

  it('should keep the bytes apart per method', () => {
    const { pkg } = counted();
    const wrapped = withAnswerBytesOnce(pkg, 'chorus.v1');
    const service = wrapped['chorus.v1.CatalogService'] as unknown as Record<string, Method>;
    const value = { id: 'deezer:27', name: 'Daft Punk', items: [] };
    markAnswerValue(value);

    const artist = service.GetArtist.responseSerialize(value);
    const links = service.GetArtistLinks.responseSerialize(value);

    expect(links).not.toBe(artist);
  });
});
