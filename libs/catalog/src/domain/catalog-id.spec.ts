import { DomainError } from '@app/core';
import { parseCatalogId, parseIsrc } from './catalog-id';

const MBID = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';

describe(parseCatalogId.name, () => {
  it('should read a bare MBID as a MusicBrainz id, lower-cased', () => {
    expect(parseCatalogId(MBID.toUpperCase(), 'artist')).toEqual({ provider: 'musicbrainz', nativeId: MBID });
  });

  it('should read namespaced platform ids', () => {
    expect(parseCatalogId('deezer:27', 'artist')).toEqual({ provider: 'deezer', nativeId: '27' });
    expect(parseCatalogId('spotify:5W3cjX2J3tjhG8zb6u0qHn', 'track').provider).toBe('spotify');
  });

  it.each(['', 'deezer:', 'deezer:abc', 'spotify:short', 'napster:1', `musicbrainz:${MBID}x`, "1' OR 1=1"])(
    'should refuse %p as INVALID_ARGUMENT on the id field',
    (raw) => {
      const error = (() => {
        try {
          parseCatalogId(raw, 'track');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).violations[0].field).toBe('id');
    },
  );

  it('should refuse a kind the provider has no ids for', () => {
    expect(() => parseCatalogId('deezer:1', 'release')).toThrow(/no release ids/);
  });
});

describe(parseIsrc.name, () => {
  it('should normalize case and hyphens', () => {
    expect(parseIsrc('gb-duw-00-00059')).toBe('GBDUW0000059');
  });

  it('should refuse malformed codes', () => {
    expect(() => parseIsrc('GBDUW000005')).toThrow(DomainError);
  });
});
