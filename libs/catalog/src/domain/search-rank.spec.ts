import type { SearchHit } from './search-merge';
import { isExactMatch, providerRelevance, rankHits } from './search-rank';

function hit(id: string, title: string, score: number, sources = [id.split(':')[0]]): SearchHit {
  return { id, type: 'artist', title, artistCredit: [], externalIds: {}, ids: [id], sources, score, images: [] };
}

describe(rankHits.name, () => {
  it('should put an exact normalized-name match first, whichever provider found it', () => {
    const sut = rankHits(
      [hit('deezer:1', 'Daft Punk - Stardust', 100), hit('itunes:2', 'DAFT PUNK!', 60)],
      'daft punk',
    );
    expect(sut.map((h) => h.id)).toEqual(['itunes:2', 'deezer:1']);
  });

  it('should order by relevance, then by how many providers agree, then MusicBrainz first', () => {
    const sut = rankHits(
      [
        hit('deezer:1', 'A', 80),
        hit('spotify:2', 'B', 90),
        hit('deezer:3', 'C', 80, ['deezer', 'itunes']),
        hit('musicbrainz:4', 'D', 80),
      ],
      'zzz',
    );
    expect(sut.map((h) => h.id)).toEqual(['spotify:2', 'deezer:3', 'musicbrainz:4', 'deezer:1']);
  });
});

describe(providerRelevance.name, () => {
  it('should scale a scoring provider by its own best score', () => {
    expect(providerRelevance(0, 60, 60)).toBe(100);
    expect(providerRelevance(3, 30, 60)).toBe(50);
  });

  it('should score an ordering provider by position alone, whatever the window', () => {
    expect(providerRelevance(0, undefined, undefined)).toBe(100);
    expect(providerRelevance(10, undefined, undefined)).toBe(50);
  });
});

describe(isExactMatch.name, () => {
  it('should accept "artist title" for a track', () => {
    const track = {
      title: 'Aerodynamic',
      artistCredit: [{ artist: { id: 'x', name: 'Daft Punk' }, name: 'Daft Punk', joinPhrase: '' }],
    };
    expect(isExactMatch(track, 'daft punk aerodynamic')).toBe(true);
    expect(isExactMatch(track, 'daft punk')).toBe(false);
  });
});
