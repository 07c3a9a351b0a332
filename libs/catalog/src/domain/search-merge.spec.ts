import type { Track } from '@app/providers';
import { mergeSearchResults, normalizeText } from './search-merge';

function track(id: string, title: string, extra: Partial<Track> = {}): Track {
  return {
    id,
    title,
    isrcs: [],
    artistCredit: [{ artist: { id: 'x:1', name: 'Daft Punk' }, name: 'Daft Punk', joinPhrase: '' }],
    genres: [],
    tags: [],
    images: [],
    urls: [],
    externalIds: {},
    ...extra,
  };
}

describe(mergeSearchResults.name, () => {
  it('should merge the same ISRC from two providers into one hit with both ids, MusicBrainz first', () => {
    const sut = mergeSearchResults(
      'track',
      [
        { provider: 'deezer', items: [track('deezer:1', 'HBFS', { isrcs: ['GBDUW0000059'] })] },
        {
          provider: 'musicbrainz',
          items: [track('musicbrainz:m1', 'Harder Better', { isrcs: ['GBDUW0000059'], score: 90 })],
        },
      ],
      3_000,
    );
    expect(sut).toHaveLength(1);
    expect(sut[0].id).toBe('musicbrainz:m1');
    expect(sut[0].ids).toEqual(['musicbrainz:m1', 'deezer:1']);
    expect(sut[0].externalIds).toMatchObject({ musicbrainz: 'm1', deezer: '1' });
  });

  it('should merge by title, artist and duration within tolerance only', () => {
    const results = [
      { provider: 'musicbrainz', items: [track('musicbrainz:a', 'One More Time', { durationMs: 320_000 })] },
      { provider: 'itunes', items: [track('itunes:b', 'One More Time (Radio Edit)', { durationMs: 321_000 })] },
      { provider: 'deezer', items: [track('deezer:c', 'One More Time', { durationMs: 200_000 })] },
    ];
    const sut = mergeSearchResults('track', results, 3_000);
    expect(sut.map((hit) => hit.ids)).toEqual([['musicbrainz:a', 'itunes:b'], ['deezer:c']]);
  });

  it('should order by score and put MusicBrainz first on ties', () => {
    const sut = mergeSearchResults(
      'track',
      [
        { provider: 'deezer', items: [track('deezer:1', 'A', { score: 80 })] },
        { provider: 'musicbrainz', items: [track('musicbrainz:1', 'B', { score: 80 })] },
      ],
      0,
    );
    expect(sut.map((hit) => hit.id)).toEqual(['musicbrainz:1', 'deezer:1']);
  });
});

describe(normalizeText.name, () => {
  it('should drop accents, bracketed qualifiers and punctuation', () => {
    expect(normalizeText('Beyoncé — Halo (Remastered 2019)')).toBe('beyonce halo');
  });
});
