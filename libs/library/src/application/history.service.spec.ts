import { DomainError, ErrorCode, FakeClock, type Caller } from '@app/core';
import type { Snapshot } from '../domain/track-snapshot';
import { LibrarySettings } from '../library.settings';
import type { PlayRepository } from '../persistence/play.repository';
import type { CatalogSnapshotService } from './catalog-snapshot.service';
import { HistoryService } from './history.service';

const NOW = new Date('2026-02-01T12:00:00Z');
const caller: Caller = { id: 'user-1', role: 'user', sessionId: 's' };
const track: Snapshot = { id: 'deezer:1', title: 'One', artistLine: 'A', artists: [{ id: 'deezer:9', name: 'A' }] };

describe(HistoryService.name, () => {
  let plays: { record: jest.Mock; remove: jest.Mock };
  let sut: HistoryService;

  beforeEach(() => {
    plays = { record: jest.fn().mockResolvedValue({ counted: true }), remove: jest.fn().mockResolvedValue(false) };
    const catalog = { track: jest.fn().mockResolvedValue(track) } as unknown as CatalogSnapshotService;
    const clock = new FakeClock(NOW);
    sut = new HistoryService(plays as unknown as PlayRepository, catalog, clock, new LibrarySettings());
  });

  it('should date a play now when the client gives no time, with the 30 s de-duplication window', async () => {
    await sut.record(caller, { trackId: 'deezer:1' });
    expect(plays.record).toHaveBeenCalledWith('user-1', { track, playedAt: NOW, durationPlayedMs: undefined }, 30);
  });

  it('should keep the time the client gives, a little ahead of the server clock included', async () => {
    const ahead = new Date(NOW.getTime() + 60_000).toISOString();
    await sut.record(caller, { trackId: 'deezer:1', playedAt: ahead, durationPlayedMs: 1_000 });
    expect(plays.record.mock.calls[0][1]).toMatchObject({ playedAt: new Date(ahead), durationPlayedMs: 1_000 });
  });

  it.each(['2026-02-01T13:00:00Z', '1999-12-31T23:59:59Z', 'soon'])(
    'should refuse a play dated %s with INVALID_ARGUMENT on playedAt',
    async (playedAt) => {
      const error = await sut.record(caller, { trackId: 'deezer:1', playedAt }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).violations.map((v) => v.field)).toEqual(['playedAt']);
      expect(plays.record).not.toHaveBeenCalled();
    },
  );

  it('should answer NOT_FOUND when the entry is not one of the caller’s', async () => {
    await expect(sut.remove(caller, 'other')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(plays.remove).toHaveBeenCalledWith('user-1', 'other');
  });
});
