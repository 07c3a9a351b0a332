import { FakeClock, type CacheService } from '@app/core';
import { LibrarySettings } from '../library.settings';
import type { ChartRepository, ChartRow } from '../persistence/chart.repository';
import { ChartsService } from './charts.service';

const NOW = new Date('2026-02-01T12:00:00Z');

class FakeCache {
  readonly entries = new Map<string, { value: unknown; ttlMs: number }>();

  get<T>(key: string) {
    const entry = this.entries.get(key);
    return Promise.resolve(entry && entry.ttlMs > 0 ? { value: entry.value as T, layer: 'l1' as const } : undefined);
  }

  set<T>(key: string, value: T, ttlMs: number) {
    this.entries.set(key, { value, ttlMs });
    return Promise.resolve();
  }
}

describe(ChartsService.name, () => {
  const row: ChartRow = { id: 'deezer:1', name: 'One', artist_line: 'A', plays: '3' };
  let charts: { topTracks: jest.Mock; topArtists: jest.Mock };
  let cache: FakeCache;
  let settings: LibrarySettings;
  let sut: ChartsService;

  beforeEach(() => {
    charts = { topTracks: jest.fn().mockResolvedValue([row]), topArtists: jest.fn().mockResolvedValue([]) };
    cache = new FakeCache();
    settings = new LibrarySettings();
    const clock = new FakeClock(NOW);
    sut = new ChartsService(charts as unknown as ChartRepository, cache as unknown as CacheService, clock, settings);
  });

  it('should rank rows from 1 and read counts as numbers', async () => {
    const chart = await sut.chart('tracks', 'week', 10);
    expect(chart).toEqual({
      window: 'week',
      entries: [{ rank: 1, id: 'deezer:1', name: 'One', artistLine: 'A', plays: 3 }],
    });
  });

  it('should ask for plays since the start of a rolling window, and without a start for all time', async () => {
    await sut.chart('tracks', 'day', 5);
    await sut.chart('artists', 'all', 5);
    expect(charts.topTracks).toHaveBeenCalledWith(new Date('2026-01-31T12:00:00Z'), 5);
    expect(charts.topArtists).toHaveBeenCalledWith(null, 5);
  });

  it('should answer a second ask from the cache for LIBRARY_CHART_CACHE_SECONDS', async () => {
    await sut.chart('tracks', 'month', 25);
    await sut.chart('tracks', 'month', 25);
    expect(charts.topTracks).toHaveBeenCalledTimes(1);
    expect([...cache.entries.values()][0].ttlMs).toBe(300_000);
  });

  it('should keep windows, kinds and sizes apart in the cache', async () => {
    await sut.chart('tracks', 'month', 25);
    await sut.chart('tracks', 'week', 25);
    await sut.chart('tracks', 'week', 10);
    await sut.chart('artists', 'week', 10);
    expect(cache.entries.size).toBe(4);
  });

  it('should compute every time when the cache is turned off', async () => {
    settings.LIBRARY_CHART_CACHE_SECONDS = 0;
    await sut.chart('tracks', 'day');
    await sut.chart('tracks', 'day');
    expect(charts.topTracks).toHaveBeenCalledTimes(2);
  });
});
