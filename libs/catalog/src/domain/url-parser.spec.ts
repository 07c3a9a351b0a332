import { DomainError } from '@app/core';
import { parseMusicUrl, supportedUrlForms } from './url-parser';

describe(parseMusicUrl.name, () => {
  it.each([
    ['https://musicbrainz.org/release-group/48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f', 'musicbrainz', 'album'],
    ['https://musicbrainz.org/recording/7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b', 'musicbrainz', 'track'],
    ['https://www.deezer.com/fr/album/302127', 'deezer', 'album'],
    ['https://deezer.com/playlist/908622995', 'deezer', 'playlist'],
    ['https://music.apple.com/us/album/discovery/697194953?i=697195787', 'itunes', 'track'],
    ['https://itunes.apple.com/gb/artist/daft-punk/id5468295', 'itunes', 'artist'],
    ['https://open.spotify.com/intl-de/track/5W3cjX2J3tjhG8zb6u0qHn', 'spotify', 'track'],
  ])('should read %s', (url, provider, kind) => {
    expect(parseMusicUrl(url)).toMatchObject({ provider, kind });
  });

  it.each([
    'https://evil.example.com/track/1',
    'file:///etc/passwd',
    'https://www.deezer.com/track/abc',
    'https://open.spotify.com/track/short',
    'not a url',
    'http://169.254.169.254/latest/meta-data',
  ])('should refuse %s naming the supported forms', (url) => {
    expect(() => parseMusicUrl(url)).toThrow(DomainError);
    expect(() => parseMusicUrl(url)).toThrow(/supported forms/);
  });

  it('should refuse a link outside the scope asked, listing only the forms of that scope', () => {
    const playlists = { kinds: ['playlist'], providers: ['deezer', 'spotify'] } as const;
    const refusal = () => parseMusicUrl('https://www.deezer.com/track/3135556', playlists);
    expect(refusal).toThrow(
      'url: unsupported URL; supported forms: https://www.deezer.com/[<lang>/]playlist/<id>; ' +
        'https://open.spotify.com/[intl-<lang>/]playlist/<id>',
    );
    expect(parseMusicUrl('https://open.spotify.com/playlist/37i9dQZF1DX0XUsuxWHRQd', playlists)).toMatchObject({
      provider: 'spotify',
      kind: 'playlist',
    });
  });

  it('should list every form it reads when no scope is asked', () => {
    expect(supportedUrlForms()).toEqual([
      'https://musicbrainz.org/{artist|release-group|release|recording}/<mbid>',
      'https://www.deezer.com/[<lang>/]{artist|album|track|playlist}/<id>',
      'https://music.apple.com/<country>/{artist|album|song}/<name>/<id>[?i=<track id>] (also itunes.apple.com)',
      'https://open.spotify.com/[intl-<lang>/]{artist|album|track|playlist}/<id>',
    ]);
  });
});
