import type { Artist } from '@app/providers';
import {
  coversDepth,
  emptySearchList,
  extendSearchList,
  nextWindows,
  sliceSearchList,
  type WindowResult,
} from './search-paging';

function artists(provider: string, from: number, count: number): Artist[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${provider}:${from + i}`,
    name: `Band ${provider} ${from + i}`,
    genres: [],
    tags: [],
    images: [],
    urls: [],
    externalIds: {},
  }));
}

function window(provider: string, offset: number, limit: number, have: number): WindowResult {
  const count = Math.max(0, Math.min(limit, have - offset));
  return { provider, offset, limit, items: artists(provider, offset, count), total: have };
}

describe(extendSearchList.name, () => {
  it('should append a deeper read without changing what earlier pages showed', () => {
    let sut = emptySearchList(['deezer', 'spotify']);
    const first = nextWindows(sut, 10, () => 50);
    expect(first).toEqual([
      { provider: 'deezer', offset: 0, limit: 10 },
      { provider: 'spotify', offset: 0, limit: 10 },
    ]);
    sut = extendSearchList(sut, 'artist', 'band', [window('deezer', 0, 10, 30), window('spotify', 0, 10, 12)], 0);
    const page1 = sliceSearchList(sut, 0, 15).items.map((h) => h.id);
    expect(coversDepth(sut, 25)).toBe(false);
    const deeper = nextWindows(sut, 25, () => 50);
    expect(deeper).toEqual([
      { provider: 'deezer', offset: 10, limit: 10 },
      { provider: 'spotify', offset: 10, limit: 10 },
    ]);
    sut = extendSearchList(sut, 'artist', 'band', [window('deezer', 10, 10, 30), window('spotify', 10, 10, 12)], 0);
    const all = sliceSearchList(sut, 0, 100).items.map((h) => h.id);
    expect(all.slice(0, 15)).toEqual(page1);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(32);
    expect(sut.cursors.find((c) => c.provider === 'spotify')?.exhausted).toBe(true);
  });

  it('should give an exact total once every provider is read out, else an estimate', () => {
    let sut = emptySearchList(['deezer']);
    sut = extendSearchList(sut, 'artist', 'band', [window('deezer', 0, 10, 40)], 0);
    expect(sliceSearchList(sut, 0, 5)).toMatchObject({ estimatedTotal: 40 });
    expect(sliceSearchList(sut, 0, 5).total).toBeUndefined();
    sut = extendSearchList(sut, 'artist', 'band', [window('deezer', 10, 50, 12)], 0);
    expect(sliceSearchList(sut, 10, 5)).toMatchObject({ total: 12 });
    expect(sliceSearchList(sut, 10, 5).items).toHaveLength(2);
  });

  it('should ask no provider beyond its page maximum', () => {
    expect(nextWindows(emptySearchList(['spotify']), 300, () => 50)).toEqual([
      { provider: 'spotify', offset: 0, limit: 50 },
    ]);
  });
});
