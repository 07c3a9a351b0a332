import { queryDatabase } from '../support/database';
import { expectError, expectOk } from './library-api';
import {
  DAFT_PUNK_DEEZER,
  DISCOVERY,
  HBFS,
  HBFS_DEEZER,
  LibraryHarness,
  ONE_MORE_TIME,
  UNKNOWN_TRACK,
  type User,
} from './library-harness';

interface Favorite {
  type: string;
  id: string;
  title: string;
  artistLine: string;
}
interface Play {
  id: string;
  trackId: string;
  playedAt: string;
}

describe('Library favorites and history over REST and gRPC', () => {
  const h = new LibraryHarness();

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  describe.each(['rest', 'grpc'] as const)('over %s', (transport) => {
    let ann: User;
    let bob: User;
    const api = () => h.api(transport);

    beforeAll(async () => {
      ann = await h.user();
      bob = await h.user();
    });

    it('should add favorites idempotently and list them newest first, filtered by type', async () => {
      const first = expectOk(await api().call<Favorite>('addFavorite', { id: HBFS, type: 'track' }, ann.token));
      expect(first).toMatchObject({ type: 'track', id: HBFS, title: 'Harder, Better, Faster, Stronger' });
      expect(first.artistLine).toContain('Daft Punk');
      expectOk(await api().call('addFavorite', { id: HBFS, type: 'track' }, ann.token));
      expectOk(await api().call('addFavorite', { id: DISCOVERY, type: 'album' }, ann.token));
      expectOk(await api().call('addFavorite', { id: DAFT_PUNK_DEEZER, type: 'artist' }, ann.token));

      const all = expectOk(await api().call<{ favorites: Favorite[]; total: number }>('listFavorites', {}, ann.token));
      expect(all.total).toBe(3);
      expect(all.favorites.map((f) => f.id)).toEqual([DAFT_PUNK_DEEZER, DISCOVERY, HBFS]);
      const page = expectOk(
        await api().call<{ favorites: Favorite[]; total: number }>('listFavorites', { limit: 1, offset: 1 }, ann.token),
      );
      expect(page.favorites.map((f) => f.id)).toEqual([DISCOVERY]);
      const albums = expectOk(
        await api().call<{ favorites: Favorite[] }>('listFavorites', { type: 'album' }, ann.token),
      );
      expect(albums.favorites.map((f) => f.id)).toEqual([DISCOVERY]);
    });

    it('should remove a favorite, twice without error, and never touch another user', async () => {
      expectOk(await api().call('addFavorite', { id: HBFS, type: 'track' }, bob.token));
      expectOk(await api().call('removeFavorite', { id: HBFS, type: 'track' }, ann.token));
      expectOk(await api().call('removeFavorite', { id: HBFS, type: 'track' }, ann.token));
      const annList = expectOk(await api().call<{ favorites: Favorite[] }>('listFavorites', {}, ann.token));
      expect(annList.favorites.map((f) => f.id)).not.toContain(HBFS);
      const bobList = expectOk(await api().call<{ favorites: Favorite[] }>('listFavorites', {}, bob.token));
      expect(bobList.favorites.map((f) => f.id)).toEqual([HBFS]);
    });

    it('should answer NOT_FOUND for an unknown id and INVALID_ARGUMENT for a malformed one, storing nothing', async () => {
      const before = await favoriteCount(ann.id);
      expectError(await api().call('addFavorite', { id: UNKNOWN_TRACK, type: 'track' }, ann.token), 'NOT_FOUND');
      const bad = expectError(
        await api().call('addFavorite', { id: 'deezer:abc', type: 'track' }, ann.token),
        'INVALID_ARGUMENT',
      );
      expect(bad.fields).toEqual(['id']);
      const badType = expectError(
        await api().call('addFavorite', { id: HBFS, type: 'song' }, ann.token),
        'INVALID_ARGUMENT',
      );
      expect(badType.fields).toEqual(['type']);
      expect(badType.internal).toBe(false);
      expect(await favoriteCount(ann.id)).toBe(before);
    });

    it('should require a signed-in user', async () => {
      expectError(await api().call('listFavorites', {}), 'UNAUTHENTICATED');
      expectError(await api().call('recordPlay', { trackId: HBFS }), 'UNAUTHENTICATED');
      expectError(await api().call('listHistory', {}, 'not-a-token'), 'UNAUTHENTICATED');
    });

    it('should count a retried play within 30 s once, and again after the window', async () => {
      const at = new Date(Date.now() - 3_600_000);
      const play = { trackId: ONE_MORE_TIME, playedAt: at.toISOString(), durationPlayedMs: 120_000 };
      const first = expectOk(await api().call<{ play: Play; counted: boolean }>('recordPlay', play, ann.token));
      expect(first.counted).toBe(true);
      const retry = expectOk(
        await api().call<{ play: Play; counted: boolean }>(
          'recordPlay',
          { ...play, playedAt: new Date(at.getTime() + 29_000).toISOString() },
          ann.token,
        ),
      );
      expect(retry).toMatchObject({ counted: false, play: { id: first.play.id } });
      const later = expectOk(
        await api().call<{ counted: boolean }>(
          'recordPlay',
          { ...play, playedAt: new Date(at.getTime() + 31_000).toISOString() },
          ann.token,
        ),
      );
      expect(later.counted).toBe(true);
      // Another user's identical play is their own.
      expect(expectOk(await api().call<{ counted: boolean }>('recordPlay', play, bob.token)).counted).toBe(true);
    });

    it('should store one play for concurrent retries of the same request', async () => {
      const play = { trackId: HBFS_DEEZER, playedAt: new Date(Date.now() - 7_200_000).toISOString() };
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => api().call<{ counted: boolean }>('recordPlay', play, ann.token)),
      );
      expect(outcomes.map((o) => expectOk(o).counted).filter(Boolean)).toHaveLength(1);
      const rows = await queryDatabase(
        h.sut.database.url,
        'SELECT 1 FROM library_plays WHERE user_id = $1 AND track_id = $2',
        [ann.id, HBFS_DEEZER],
      );
      expect(rows).toHaveLength(1);
    });

    it('should list, delete and clear history only for its owner', async () => {
      const history = expectOk(await api().call<{ plays: Play[]; total: number }>('listHistory', {}, ann.token));
      expect(history.total).toBe(3);
      expect(history.plays.map((p) => p.playedAt)).toEqual([...history.plays.map((p) => p.playedAt)].sort().reverse());
      const target = history.plays[0];
      expectError(await api().call('deletePlay', { id: target.id }, bob.token), 'NOT_FOUND');
      const bobHistory = expectOk(await api().call<{ plays: Play[] }>('listHistory', {}, bob.token));
      expect(bobHistory.plays.map((p) => p.id)).not.toContain(target.id);
      expectOk(await api().call('deletePlay', { id: target.id }, ann.token));
      expectError(await api().call('deletePlay', { id: target.id }, ann.token), 'NOT_FOUND');
      const bad = expectError(await api().call('deletePlay', { id: 'nope' }, ann.token), 'INVALID_ARGUMENT');
      expect(bad.fields).toEqual(['id']);
      const cleared = expectOk(await api().call<{ removed: number }>('clearHistory', {}, ann.token));
      expect(cleared.removed).toBe(2);
      expect(expectOk(await api().call<{ total?: number }>('listHistory', {}, bob.token)).total).toBe(1);
    });

    it('should refuse bad plays with a 4xx and store nothing', async () => {
      const before = await playCount(ann.id);
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ trackId: UNKNOWN_TRACK }, 'NOT_FOUND', ''],
        [{ trackId: 'spotify:short' }, 'INVALID_ARGUMENT', 'trackId'],
        [{ trackId: HBFS, playedAt: 'yesterday' }, 'INVALID_ARGUMENT', 'playedAt'],
        [{ trackId: HBFS, playedAt: '2999-01-01T00:00:00Z' }, 'INVALID_ARGUMENT', 'playedAt'],
        [{ trackId: HBFS, durationPlayedMs: -1 }, 'INVALID_ARGUMENT', 'durationPlayedMs'],
      ];
      for (const [body, code, field] of cases) {
        const error = expectError(await api().call('recordPlay', body, ann.token), code);
        expect(error.internal).toBe(false);
        if (field) {
          expect(error.fields).toEqual([field]);
        }
      }
      expect(await playCount(ann.id)).toBe(before);
    });
  });

  async function favoriteCount(userId: string): Promise<number> {
    const rows = await queryDatabase<{ n: string }>(
      h.sut.database.url,
      'SELECT count(*) AS n FROM library_favorites WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0].n);
  }

  async function playCount(userId: string): Promise<number> {
    const rows = await queryDatabase<{ n: string }>(
      h.sut.database.url,
      'SELECT count(*) AS n FROM library_plays WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0].n);
  }
});
