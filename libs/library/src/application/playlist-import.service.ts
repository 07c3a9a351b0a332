import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type Caller } from '@app/core';
import { formatCatalogId, parseCatalogId } from '@app/catalog';
import type { PlaylistPage, Track } from '@app/providers';
import type { ImportJobView, UnresolvedTrackView } from '../domain/library.views';
import { artistLine, creditedArtists, type Snapshot } from '../domain/track-snapshot';
import { librarySettings, type LibrarySettings } from '../library.settings';
import {
  ImportJobRepository,
  toImportJobView,
  type ImportJobRow,
  type PageEffects,
} from '../persistence/import-job.repository';
import { PlaylistSources, type PlaylistSource } from './playlist-sources';

const NAME_MAX = 200;
const DESCRIPTION_MAX = 2_000;
/** Imports one account may have queued or running at once: one caller cannot fill the workers' queue. */
export const IMPORTS_UNFINISHED_MAX = 3;

/** How a run of a job ended: finished, handed back (shutdown), or taken from us (lease lost). */
export type ImportRunOutcome = 'done' | 'paused' | 'lost';

/**
 * A Deezer or Spotify playlist copied into a new private playlist, as a background job. Starting it reads the
 * playlist's head (so an unknown playlist is a 404 at once) and creates the job and the empty playlist; the
 * runner then reads the entries a page at a time and appends each page's tracks, built from the page's own
 * data (ids, titles, artists, durations): 500 entries cost a head and five page calls, not one call per track.
 */
@Injectable()
export class PlaylistImportService {
  constructor(
    private readonly sources: PlaylistSources,
    private readonly jobs: ImportJobRepository,
    @Inject(librarySettings.KEY) private readonly settings: LibrarySettings,
  ) {}

  async start(caller: Caller, url: string): Promise<ImportJobView> {
    const source = this.sources.parse(url);
    const head = await this.sources.head(source);
    const job = await this.jobs.create(
      { userId: caller.id, sourceUrl: url.trim(), ...source, total: head.total },
      {
        name: head.name.slice(0, NAME_MAX) || 'Imported playlist',
        description: (head.description ?? '').slice(0, DESCRIPTION_MAX),
        isPublic: false,
        sourceUrl: url.trim(),
      },
      IMPORTS_UNFINISHED_MAX,
    );
    if (!job) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `at most ${IMPORTS_UNFINISHED_MAX} imports run at once per account; wait for one to finish`,
        { retryAfterSeconds: 30 },
      );
    }
    return toImportJobView(job);
  }

  async get(caller: Caller, id: string): Promise<ImportJobView> {
    const job = await this.jobs.findOwned(caller.id, id);
    if (!job) {
      throw DomainError.notFound(`import ${id} not found`);
    }
    return toImportJobView(job);
  }

  async list(caller: Caller, limit = 25, offset = 0): Promise<{ imports: ImportJobView[] }> {
    return { imports: (await this.jobs.listOwned(caller.id, limit, offset)).map(toImportJobView) };
  }

  /** Reads and appends the pages not yet committed; `stopping` is asked between pages. */
  async run(job: ImportJobRow, owner: string, leaseMs: number, stopping: () => boolean): Promise<ImportRunOutcome> {
    const source: PlaylistSource = { provider: job.provider as PlaylistSource['provider'], nativeId: job.native_id };
    const total = job.total ?? 0;
    const end = Math.min(total, this.settings.LIBRARY_IMPORT_MAX_TRACKS, this.settings.LIBRARY_PLAYLIST_MAX_TRACKS);
    let offset = job.next_offset;
    while (offset < end) {
      if (stopping()) {
        return 'paused';
      }
      if (!(await this.jobs.renew(job.id, owner, leaseMs))) {
        return 'lost';
      }
      const page = await this.sources.page(source, offset, Math.min(this.sources.pageSize(source), end - offset));
      const committed = await this.jobs.commitPage(job, owner, pageEffects(page));
      if (committed === 'lost') {
        return 'lost';
      }
      if (committed === 'gone') {
        throw DomainError.notFound('the playlist was deleted while it was being imported');
      }
      offset += page.read;
      if (page.read === 0 || !page.next) {
        break;
      }
    }
    await this.jobs.finish(job.id, owner, leftOver(total, offset, end));
    return 'done';
  }
}

function pageEffects(page: PlaylistPage): PageEffects {
  const tracks: Snapshot[] = [];
  const unresolved: UnresolvedTrackView[] = page.unavailable.map((entry) => ({
    sourceId: '',
    title: entry.title,
    artistLine: '',
    reason: entry.reason,
  }));
  for (const track of page.tracks) {
    const snapshot = snapshotOf(track);
    if (snapshot) {
      tracks.push(snapshot);
    } else {
      unresolved.push({ sourceId: track.id, title: track.title, artistLine: '', reason: 'not a catalog id' });
    }
  }
  return { tracks, unresolved, read: page.read };
}

/** The playlist entry as the platform lists it; the catalog fetches the full track when someone asks for it. */
function snapshotOf(track: Track): Snapshot | undefined {
  try {
    const id = formatCatalogId(parseCatalogId(track.id, 'track'));
    const artists = artistLine(track.artistCredit);
    return {
      id,
      title: track.title,
      artistLine: artists,
      durationMs: track.durationMs,
      artists: creditedArtists(track.artistCredit),
    };
  } catch {
    return undefined;
  }
}

/** Entries not read are reported as one line rather than dropped without a word. */
function leftOver(total: number, read: number, end: number): UnresolvedTrackView[] {
  const rest = total - read;
  if (rest <= 0) {
    return [];
  }
  const reason =
    read >= end ? `${rest} more entries over the import limit` : `${rest} entries the platform did not list`;
  return [{ sourceId: '', title: '', artistLine: '', reason }];
}
