import { platformIdsFromUrls } from './artist-evidence';

describe(platformIdsFromUrls.name, () => {
  it('should read platform artist ids from URL relations and ignore every other link', () => {
    const sut = platformIdsFromUrls([
      { type: 'free streaming', url: 'https://www.deezer.com/artist/415' },
      { type: 'free streaming', url: 'https://open.spotify.com/artist/6olE6TJLqED3rqDCT0FyPh' },
      { type: 'discogs', url: 'https://www.discogs.com/artist/125246' },
      { type: 'free streaming', url: 'https://www.deezer.com/album/302127' },
    ]);
    expect(sut).toEqual({ deezer: '415', spotify: '6olE6TJLqED3rqDCT0FyPh' });
  });
});
