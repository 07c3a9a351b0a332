import { DomainError } from '@app/core';
import { parseExternalPlaylistId, playlistPageKey } from './external-playlist';

describe(parseExternalPlaylistId.name, () => {
  it.each([
    ['deezer:908622995', { provider: 'deezer', nativeId: '908622995' }],
    [' Deezer:1 ', { provider: 'deezer', nativeId: '1' }],
    ['spotify:37i9dQZF1DX0XUsuxWHRQd', { provider: 'spotify', nativeId: '37i9dQZF1DX0XUsuxWHRQd' }],
  ])('should read %s', (raw, expected) => {
    expect(parseExternalPlaylistId(raw)).toEqual(expected);
  });

  it.each(['908622995', 'deezer:', 'deezer:abc', 'itunes:123', 'musicbrainz:1', 'spotify:short', ':1'])(
    'should refuse %s naming the field',
    (raw) => {
      let caught: unknown;
      try {
        parseExternalPlaylistId(raw, 'id');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DomainError);
      expect((caught as DomainError).violations.map((v) => v.field)).toEqual(['id']);
    },
  );

  it('should key each page by where it starts and how long it is', () => {
    const id = parseExternalPlaylistId('deezer:1');
    expect(playlistPageKey(id, 0, 25)).not.toBe(playlistPageKey(id, 25, 25));
  });
});
