import type { Artist, Track } from '@app/providers';
import { mergeWindows } from './search-merge';
import { providerOrder } from './search-rank';
import { normalizeText } from './text';

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

function artist(id: string, name: string, extra: Partial<Artist> = {}): Artist {
  return { id, name, genres: [], tags: [], images: [], urls: [], externalIds: {}, ...extra };
}

describe(mergeWindows.name, () => {
  it('should merge the same ISRC from two providers into one hit with both ids, MusicBrainz first', () => {
    const sut = mergeWindows(
      'track',
      [
        { provider: 'deezer', offset: 0, items: [track('deezer:1', 'HBFS', { isrcs: ['GBDUW0000059'] })] },
        {
          provider: 'musicbrainz',
          offset: 0,
          maxScore: 90,
          items: [track('musicbrainz:m1', 'Harder Better', { isrcs: ['GBDUW0000059'], score: 90 })],
        },
      ],
      3_000,
      [],
      providerOrder,
    );
    expect(sut).toHaveLength(1);
    expect(sut[0].id).toBe('musicbrainz:m1');
    expect(sut[0].ids).toEqual(['musicbrainz:m1', 'deezer:1']);
    expect(sut[0].externalIds).toMatchObject({ musicbrainz: 'm1', deezer: '1' });
  });

  it('should merge tracks by title, artist and duration within tolerance only', () => {
    const windows = [
      { provider: 'musicbrainz', offset: 0, items: [track('musicbrainz:a', 'One More Time', { durationMs: 320_000 })] },
      {
        provider: 'itunes',
        offset: 0,
        items: [track('itunes:b', 'One More Time (Radio Edit)', { durationMs: 321_000 })],
      },
      { provider: 'deezer', offset: 0, items: [track('deezer:c', 'One More Time', { durationMs: 200_000 })] },
    ];
    const sut = mergeWindows('track', windows, 3_000, [], providerOrder);
    expect(sut.map((hit) => hit.ids)).toEqual([['musicbrainz:a', 'itunes:b'], ['deezer:c']]);
  });

  it('should keep two same-named artists apart, each with its disambiguation', () => {
    const sut = mergeWindows(
      'artist',
      [
        {
          provider: 'musicbrainz',
          offset: 0,
          maxScore: 100,
          items: [
            artist('musicbrainz:n1', 'Nirvana', { score: 100, disambiguation: '90s US grunge band' }),
            artist('musicbrainz:n2', 'Nirvana', { score: 100, disambiguation: '60s band from the UK' }),
          ],
        },
        { provider: 'deezer', offset: 0, items: [artist('deezer:415', 'Nirvana')] },
      ],
      0,
    );
    expect(sut.map((hit) => [hit.id, hit.disambiguation])).toEqual([
      ['musicbrainz:n1', '90s US grunge band'],
      ['musicbrainz:n2', '60s band from the UK'],
      ['deezer:415', undefined],
    ]);
  });

  it('should merge artists on a shared known id', () => {
    const sut = mergeWindows(
      'artist',
      [
        {
          provider: 'musicbrainz',
          offset: 0,
          items: [artist('musicbrainz:dp', 'Daft Punk', { externalIds: { deezer: '27' } })],
        },
        { provider: 'deezer', offset: 0, items: [artist('deezer:27', 'Daft Punk')] },
      ],
      0,
      [],
      providerOrder,
    );
    expect(sut.map((hit) => hit.ids)).toEqual([['musicbrainz:dp', 'deezer:27']]);
  });

  it('should fold a twin of a known hit into it instead of adding it', () => {
    const [known] = mergeWindows(
      'track',
      [{ provider: 'deezer', offset: 0, items: [track('deezer:1', 'A', { isrcs: ['X'] })] }],
      0,
    );
    const sut = mergeWindows(
      'track',
      [{ provider: 'spotify', offset: 5, items: [track('spotify:9', 'A', { isrcs: ['X'] })] }],
      0,
      [known],
    );
    expect(sut).toEqual([]);
    expect(known.ids).toEqual(['deezer:1', 'spotify:9']);
  });
});

describe(normalizeText.name, () => {
  it('should drop accents, bracketed qualifiers and punctuation', () => {
    expect(normalizeText('Beyoncé — Halo (Remastered 2019)')).toBe('beyonce halo');
  });
});
