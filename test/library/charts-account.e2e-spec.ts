import request from 'supertest';
import { PASSWORD } from '../auth/auth-helpers';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { queryDatabase } from '../support/database';
import { expectError, expectOk } from './library-api';
import {
  DAFT_PUNK,
  DIE_WITH_A_SMILE,
  DISCOVERY_DEEZER,
  HBFS,
  HBFS_DEEZER,
  LibraryHarness,
  ONE_MORE_TIME,
  type User,
} from './library-harness';

interface Chart {
  window: string;
  entries: Array<{ rank: number; id: string; name: string; plays: number }>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOWS = { day: DAY, week: 7 * DAY, month: 30 * DAY, all: Infinity } as const;

/** The chart the plays imply: count in the window, most first, ties by id in byte order. */
function expectedTrackChart(plays: Array<[string, number]>, window: keyof typeof WINDOWS) {
  const counts = new Map<string, number>();
  for (const [track] of plays.filter(([, ago]) => ago < WINDOWS[window])) {
    counts.set(track, (counts.get(track) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([id, plays]) => ({ id, plays }));
}

describe('Library charts, export and account deletion', () => {
  const h = new LibraryHarness();
  const library = { tables: ['library_favorites', 'library_playlists', 'library_plays'] };

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  describe('charts', () => {
    // [track, how long ago] for three users.
    const plays: Array<[string, number]> = [
      [HBFS_DEEZER, 1 * HOUR],
      [HBFS_DEEZER, 2 * HOUR],
      [ONE_MORE_TIME, 3 * DAY],
      [ONE_MORE_TIME, 3 * HOUR],
      [DIE_WITH_A_SMILE, 10 * DAY],
      [DIE_WITH_A_SMILE, 20 * DAY],
      [DIE_WITH_A_SMILE, 40 * DAY],
      [DIE_WITH_A_SMILE, 5 * HOUR],
      [HBFS, 2 * HOUR],
    ];

    beforeAll(async () => {
      const users = [await h.user(), await h.user(), await h.user()];
      const now = Date.now();
      for (const [index, [trackId, ago]] of plays.entries()) {
        const playedAt = new Date(now - ago).toISOString();
        expectOk(await h.apis[index % 2].call('recordPlay', { trackId, playedAt }, users[index % 3].token));
      }
    });

    it.each(['day', 'week', 'month', 'all'] as const)('should rank tracks played in the %s window', async (window) => {
      for (const api of h.apis) {
        const chart = expectOk(await api.call<Chart>('trackChart', { window }));
        expect(chart.window).toBe(window);
        expect(chart.entries.map(({ id, plays: n }) => ({ id, plays: n }))).toEqual(expectedTrackChart(plays, window));
        expect(chart.entries.map((e) => e.rank)).toEqual(chart.entries.map((_, i) => i + 1));
      }
    });

    it('should rank artists, a play counting for each credited artist, ties by id', async () => {
      for (const api of h.apis) {
        const all = expectOk(await api.call<Chart>('artistChart', { window: 'all' }));
        expect(all.entries.map((e) => [e.id, e.plays])).toEqual([
          ['deezer:27', 4],
          ['deezer:429675', 4],
          ['deezer:75491', 4],
          [DAFT_PUNK, 1],
        ]);
        const day = expectOk(await api.call<Chart>('artistChart', { window: 'day', limit: 2 }));
        expect(day.entries.map((e) => [e.id, e.name, e.plays])).toEqual([
          ['deezer:27', 'Daft Punk', 3],
          ['deezer:429675', 'Bruno Mars', 1],
        ]);
      }
    });

    it('should answer a chart from the cache for a few minutes', async () => {
      const before = expectOk(await h.apis[0].call<Chart>('trackChart', { window: 'day' }));
      const dan = await h.user();
      expectOk(await h.apis[0].call('recordPlay', { trackId: HBFS }, dan.token));
      expect(expectOk(await h.apis[1].call<Chart>('trackChart', { window: 'day' }))).toEqual(before);
    });

    it('should refuse an unknown window or size with INVALID_ARGUMENT', async () => {
      for (const api of h.apis) {
        expect(expectError(await api.call('trackChart', { window: 'year' }), 'INVALID_ARGUMENT').fields).toEqual([
          'window',
        ]);
        expect(expectError(await api.call('artistChart', { limit: 101 }), 'INVALID_ARGUMENT').fields).toEqual([
          'limit',
        ]);
      }
    });
  });

  describe('account data', () => {
    let ann: User;
    let bob: User;

    beforeAll(async () => {
      [ann, bob] = [await h.user(), await h.user()];
      for (const user of [ann, bob]) {
        expectOk(await h.apis[0].call('addFavorite', { id: DISCOVERY_DEEZER, type: 'album' }, user.token));
        const list = expectOk(await h.apis[1].call<{ id: string }>('createPlaylist', { name: 'Keep' }, user.token));
        expectOk(await h.apis[1].call('addPlaylistTracks', { id: list.id, trackIds: [HBFS] }, user.token));
        expectOk(await h.apis[0].call('recordPlay', { trackId: ONE_MORE_TIME }, user.token));
      }
    });

    it('should put favorites, playlists with their tracks and history in the export, on both transports', async () => {
      const rest = await request(h.sut.httpUrl).get('/v1/me/export').set('authorization', `Bearer ${ann.token}`);
      expect(rest.status).toBe(200);
      const auth = grpcClient(h.sut.grpcAddress, 'chorus.v1.AuthService');
      const overGrpc = await grpcCall<{ json: string }>(
        auth,
        'ExportData',
        {},
        { authorization: `Bearer ${ann.token}` },
      );
      auth.close();
      for (const document of [rest.body, JSON.parse(overGrpc.response?.json ?? '{}')] as Array<
        Record<string, unknown>
      >) {
        expect(document.favorites).toEqual([expect.objectContaining({ type: 'album', id: DISCOVERY_DEEZER })]);
        expect(document.playlists).toEqual([
          expect.objectContaining({
            name: 'Keep',
            ownerId: ann.id,
            tracks: [expect.objectContaining({ trackId: HBFS })],
          }),
        ]);
        expect(document.history).toEqual([expect.objectContaining({ trackId: ONE_MORE_TIME })]);
      }
    });

    it("should remove the user's library with the account and keep everyone else's", async () => {
      const response = await request(h.sut.httpUrl)
        .delete('/v1/me')
        .set('authorization', `Bearer ${ann.token}`)
        .send({ password: PASSWORD });
      expect(response.status).toBe(204);
      for (const table of library.tables) {
        expect(await rowsOf(table, ann.id)).toBe(0);
        expect(await rowsOf(table, bob.id)).toBe(1);
      }
      const orphans = await queryDatabase<{ n: string }>(
        h.sut.database.url,
        'SELECT count(*) AS n FROM library_playlist_tracks t LEFT JOIN library_playlists p ON p.id = t.playlist_id WHERE p.id IS NULL',
      );
      expect(Number(orphans[0].n)).toBe(0);
    });
  });

  async function rowsOf(table: string, userId: string): Promise<number> {
    const rows = await queryDatabase<{ n: string }>(
      h.sut.database.url,
      `SELECT count(*) AS n FROM ${table} WHERE user_id = $1`,
      [userId],
    );
    return Number(rows[0].n);
  }
});
