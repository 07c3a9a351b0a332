import type { GeniusSongHit } from '@app/providers';
import { bestGeniusMatch } from './genius-match';

const hit = (id: number, title: string, artistName: string): GeniusSongHit => ({
  id: `genius:${id}`,
  title,
  artistName,
  url: `https://genius.com/${id}`,
});

describe(bestGeniusMatch.name, () => {
  const target = { title: 'Harder, Better, Faster, Stronger', artistNames: ['Daft Punk'] };

  it('should take the song with the same title and artist, punctuation and case aside', () => {
    const sut = bestGeniusMatch(
      [hit(1, 'Stronger', 'Kanye West'), hit(2, 'Harder Better Faster Stronger', 'DAFT PUNK')],
      target,
    );
    expect(sut?.id).toBe('genius:2');
  });

  it('should reject near misses: another artist, or a title with more words', () => {
    const hits = [
      hit(1, 'Harder, Better, Faster, Stronger', 'The Piano Guys'),
      hit(2, 'Harder, Better, Faster, Stronger Remix', 'Daft Punk'),
      hit(3, 'Stronger', 'Kanye West'),
    ];
    expect(bestGeniusMatch(hits, target)).toBeUndefined();
  });

  it('should prefer the title with the same qualifier over one equal only without it', () => {
    const hits = [hit(1, 'One More Time (Radio Edit)', 'Daft Punk'), hit(2, 'One More Time', 'Daft Punk')];
    expect(bestGeniusMatch(hits, { title: 'One More Time', artistNames: ['Daft Punk'] })?.id).toBe('genius:2');
    expect(bestGeniusMatch([hits[0]], { title: 'One More Time', artistNames: ['Daft Punk'] })?.id).toBe('genius:1');
  });

  it('should match any credited artist as the primary artist', () => {
    const hits = [hit(7, 'Die With A Smile', 'Bruno Mars')];
    expect(bestGeniusMatch(hits, { title: 'Die With A Smile', artistNames: ['Lady Gaga', 'Bruno Mars'] })?.id).toBe(
      'genius:7',
    );
  });
});
