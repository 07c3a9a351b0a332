import { urlRelId, urlRelIds } from './url-rel-ids';

describe(urlRelIds.name, () => {
  it('should read the platform ids of the URL relations MusicBrainz gives an artist', () => {
    const urls = [
      { type: 'free streaming', url: 'https://open.spotify.com/artist/6eUKZXaKkcviH0Ku9w2n3V' },
      { type: 'free streaming', url: 'https://www.deezer.com/artist/384236' },
      { type: 'purchase for download', url: 'https://itunes.apple.com/de/artist/id183313439' },
      { type: 'discogs', url: 'https://www.discogs.com/artist/2184482' },
      { type: 'wikidata', url: 'https://www.wikidata.org/wiki/Q47447' },
      { type: 'official homepage', url: 'https://www.edsheeran.com/' },
    ];
    expect(urlRelIds(urls, 'artist')).toEqual({
      spotify: '6eUKZXaKkcviH0Ku9w2n3V',
      deezer: '384236',
      itunes: '183313439',
      discogs: '2184482',
      wikidata: 'Q47447',
    });
  });

  it('should take only the links of the entity kind asked', () => {
    expect(urlRelId('https://www.deezer.com/album/302127', 'artist')).toBeUndefined();
    expect(urlRelId('https://www.deezer.com/album/302127', 'album')).toEqual({ platform: 'deezer', id: '302127' });
    expect(urlRelId('https://www.discogs.com/master/1234', 'album')).toEqual({ platform: 'discogs', id: '1234' });
    expect(urlRelId('https://music.apple.com/us/artist/daft-punk/5468295', 'artist')).toEqual({
      platform: 'itunes',
      id: '5468295',
    });
  });

  it('should ignore look-alike hosts and text that is no URL', () => {
    expect(urlRelId('https://deezer.com.evil.example/artist/1', 'artist')).toBeUndefined();
    expect(urlRelId('not a url', 'artist')).toBeUndefined();
  });
});
