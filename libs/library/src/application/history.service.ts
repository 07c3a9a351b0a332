import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Caller } from '@app/core';
import type { PlayView, RecordPlayView } from '../domain/library.views';
import { librarySettings, type LibrarySettings } from '../library.settings';
import { PlayRepository } from '../persistence/play.repository';
import { Clock } from '@app/core';
import { CatalogSnapshotService } from './catalog-snapshot.service';
import { DEFAULT_PAGE } from './favorites.service';

/** How far ahead of the server's clock a client may date a play (clock skew), and the earliest date accepted. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const EARLIEST_PLAY = Date.parse('2000-01-01T00:00:00Z');

export interface PlayInput {
  trackId: string;
  playedAt?: string;
  durationPlayedMs?: number;
}

/** A user's listening history. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly plays: PlayRepository,
    private readonly catalog: CatalogSnapshotService,
    private readonly clock: Clock,
    @Inject(librarySettings.KEY) private readonly settings: LibrarySettings,
  ) {}

  /** A retried request (same track within the window) answers the play already stored with `counted: false`. */
  async record(caller: Caller, input: PlayInput): Promise<RecordPlayView> {
    const playedAt = this.playedAt(input.playedAt);
    const track = await this.catalog.track(input.trackId, 'trackId');
    return this.plays.record(
      caller.id,
      { track, playedAt, durationPlayedMs: input.durationPlayedMs },
      this.settings.LIBRARY_PLAY_DEDUP_SECONDS,
    );
  }

  list(caller: Caller, limit?: number, offset?: number): Promise<{ plays: PlayView[]; total: number }> {
    return this.plays.list(caller.id, limit || DEFAULT_PAGE, offset ?? 0);
  }

  /** Another user's entry id is NOT_FOUND, exactly like an id that never existed. */
  async remove(caller: Caller, id: string): Promise<void> {
    if (!(await this.plays.remove(caller.id, id))) {
      throw DomainError.notFound('No such play in your history');
    }
  }

  async clear(caller: Caller): Promise<{ removed: number }> {
    return { removed: await this.plays.removeAll(caller.id) };
  }

  private playedAt(raw: string | undefined): Date {
    const now = this.clock.now();
    if (raw === undefined || raw === '') {
      return now;
    }
    const at = new Date(raw);
    if (Number.isNaN(at.getTime())) {
      throw DomainError.invalid('playedAt', 'must be an ISO 8601 date-time');
    }
    if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS || at.getTime() < EARLIEST_PLAY) {
      throw DomainError.invalid('playedAt', 'must be between 2000-01-01 and now');
    }
    return at;
  }
}
