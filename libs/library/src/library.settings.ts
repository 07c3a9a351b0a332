import { defineSettings, IntSetting } from '@app/core';

export class LibrarySettings {
  /** The same user playing the same track again within this many seconds counts as one play. */
  @IntSetting(0, 3_600)
  LIBRARY_PLAY_DEDUP_SECONDS = 30;

  /** How long a chart answer is cached (0 = computed on every request). */
  @IntSetting(0, 86_400)
  LIBRARY_CHART_CACHE_SECONDS = 300;

  /** Largest playlist; adds beyond it are refused. */
  @IntSetting(1, 100_000)
  LIBRARY_PLAYLIST_MAX_TRACKS = 10_000;

  /** Most tracks read from a source playlist on import (the rest are reported as skipped). */
  @IntSetting(1, 10_000)
  LIBRARY_IMPORT_MAX_TRACKS = 500;
}

export const librarySettings = defineSettings('library', LibrarySettings);
