import type { Lyrics } from '@app/providers';
import { bestLyricsMatch } from './lyrics-match';

function candidate(id: number, extra: Partial<Lyrics> = {}): Lyrics {
  return {
    id: `lrclib:${id}`,
    trackName: 'One More Time',
    artistName: 'Daft Punk',
    durationMs: 320_000,
    instrumental: false,
    plainLyrics: 'One more time',
    ...extra,
  };
}

const target = { artist: 'Daft Punk', primaryArtist: 'Daft Punk', title: 'One More Time', durationMs: 320_357 };

describe(bestLyricsMatch.name, () => {
  it('should take the candidate within ±2 s of the track, not a longer version', () => {
    const sut = bestLyricsMatch([candidate(1, { durationMs: 245_000 }), candidate(2, { durationMs: 322_000 })], target);
    expect(sut?.id).toBe('lrclib:2');
  });

  it('should refuse every candidate outside ±2 s', () => {
    expect(bestLyricsMatch([candidate(1, { durationMs: 322_500 })], target)).toBeUndefined();
  });

  it('should match titles and artists after normalization, and the first artist "feat." others', () => {
    const sut = bestLyricsMatch(
      [
        candidate(1, { trackName: 'One More Time', artistName: 'Daft Punks Tribute' }),
        candidate(2, { trackName: 'ONE MORE TIME (Remastered)', artistName: 'Daft Punk feat. Romanthony' }),
      ],
      target,
    );
    expect(sut?.id).toBe('lrclib:2');
  });

  it('should prefer synced lyrics, then the closest duration', () => {
    const sut = bestLyricsMatch(
      [
        candidate(1, { durationMs: 320_300 }),
        candidate(2, { durationMs: 321_500, syncedLyrics: '[00:01.00] One more time' }),
      ],
      target,
    );
    expect(sut?.id).toBe('lrclib:2');
  });

  it('should answer an instrumental as instrumental, and never an entry that says nothing', () => {
    const instrumental = candidate(1, { instrumental: true, plainLyrics: undefined });
    const empty = candidate(2, { plainLyrics: undefined });
    expect(bestLyricsMatch([empty, instrumental], target)).toMatchObject({ id: 'lrclib:1', instrumental: true });
    expect(bestLyricsMatch([empty], target)).toBeUndefined();
  });
});
