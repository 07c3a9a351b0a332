import { Inject, Injectable } from '@nestjs/common';
import { CacheService } from '@app/core';
import type { ChartView, ChartWindow } from '../domain/library.views';
import { librarySettings, type LibrarySettings } from '../library.settings';
import { ChartRepository, type ChartRow } from '../persistence/chart.repository';
import { Clock } from '@app/core';

export type ChartKind = 'tracks' | 'artists';

const DAY_MS = 86_400_000;
/** Rolling windows ending now; `all` has no start. */
const WINDOW_MS: Record<ChartWindow, number | null> = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS, all: null };
export const DEFAULT_CHART_SIZE = 25;

/** Most played tracks and artists across all users, computed by PostgreSQL and cached for a few minutes. */
@Injectable()
export class ChartsService {
  constructor(
    private readonly charts: ChartRepository,
    private readonly cache: CacheService,
    private readonly clock: Clock,
    @Inject(librarySettings.KEY) private readonly settings: LibrarySettings,
  ) {}

  async chart(kind: ChartKind, window: ChartWindow, limit = DEFAULT_CHART_SIZE): Promise<ChartView> {
    const key = `library:chart:${kind}:${window}:${limit}`;
    const cached = await this.cache.get<ChartView>(key);
    if (cached) {
      return cached.value;
    }
    const span = WINDOW_MS[window];
    const since = span === null ? null : new Date(this.clock.now().getTime() - span);
    const rows =
      kind === 'tracks' ? await this.charts.topTracks(since, limit) : await this.charts.topArtists(since, limit);
    const chart = { window, entries: rows.map(toEntry) };
    await this.cache.set(key, chart, this.settings.LIBRARY_CHART_CACHE_SECONDS * 1000);
    return chart;
  }
}

function toEntry(row: ChartRow, index: number) {
  return { rank: index + 1, id: row.id, name: row.name, artistLine: row.artist_line, plays: Number(row.plays) };
}
