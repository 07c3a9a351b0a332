import type { Track } from '@app/providers';
import { mergeTopTracks, sameRecording } from './similar-tracks';

function track(id: string, title: string, artist: string, durationMs: number, isrcs: string[] = []): Track {
  return {
    id,
    title,
    durationMs,
    isrcs,
    artistCredit: [{ artist: { id: `deezer:${artist}`, name: artist }, name: artist, joinPhrase: '' }],
    genres: [],
    tags: [],
    images: [],
    urls: [],
    externalIds: {},
  };
}

describe(mergeTopTracks.name, () => {
  const seed = track('deezer:1', 'Harder, Better, Faster, Stronger', 'Daft Punk', 224_000, ['GBDUW0000059']);

  it('should take the lists in turns so the first items span every artist', () => {
    const a = [track('deezer:10', 'A1', 'A', 200_000), track('deezer:11', 'A2', 'A', 200_000)];
    const b = [track('deezer:20', 'B1', 'B', 200_000)];
    const sut = mergeTopTracks([a, b], seed);
    expect(sut.map((t) => t.id)).toEqual(['deezer:10', 'deezer:20', 'deezer:11']);
  });

  it('should keep one track per ISRC, per id, and per title, artist and duration when ISRCs are missing', () => {
    const sut = mergeTopTracks(
      [
        [track('deezer:30', 'Get Lucky', 'Daft Punk', 369_000, ['USQX91300108'])],
        [track('deezer:31', 'Get Lucky (Radio Edit)', 'Daft Punk', 248_000, ['USQX91300108'])],
        [track('deezer:30', 'Get Lucky', 'Daft Punk', 369_000)],
        [track('deezer:32', 'Get Lucky', 'Daft Punk', 368_000)],
      ],
      seed,
    );
    expect(sut.map((t) => t.id)).toEqual(['deezer:30']);
  });

  it('should keep two recordings with different ISRCs even under one title', () => {
    const sut = mergeTopTracks(
      [
        [track('deezer:40', 'Intro', 'X', 60_000, ['AAAAA0000001'])],
        [track('deezer:41', 'Intro', 'X', 60_000, ['AAAAA0000002'])],
      ],
      seed,
    );
    expect(sut).toHaveLength(2);
  });

  it('should leave out the seed track itself', () => {
    const sut = mergeTopTracks([[track('deezer:50', 'Other', 'Y', 1), { ...seed, id: 'deezer:51' }]], seed);
    expect(sut.map((t) => t.id)).toEqual(['deezer:50']);
  });

  it('should tell apart tracks whose durations differ by more than the tolerance', () => {
    expect(sameRecording(track('deezer:60', 'Song', 'Z', 200_000), track('deezer:61', 'Song', 'Z', 260_000))).toBe(
      false,
    );
  });
});
