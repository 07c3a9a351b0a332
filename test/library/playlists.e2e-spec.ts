import { queryDatabase } from '../support/database';
import { expectError, expectOk, type LibraryApi } from './library-api';
import {
  DIE_WITH_A_SMILE,
  HBFS,
  HBFS_DEEZER,
  LibraryHarness,
  ONE_MORE_TIME,
  UNKNOWN_PLAYLIST,
  UNKNOWN_TRACK,
  type User,
} from './library-harness';

interface Playlist {
  id: string;
  ownerId: string;
  name: string;
  description?: string;
  isPublic?: boolean;
  trackCount?: number;
}
interface Entry {
  position?: number;
  trackId: string;
}

describe('Library playlists over REST and gRPC', () => {
  const h = new LibraryHarness();

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  async function tracksOf(api: LibraryApi, id: string, token?: string): Promise<string[]> {
    const page = expectOk(await api.call<{ tracks?: Entry[] }>('listPlaylistTracks', { id, limit: 100 }, token));
    return (page.tracks ?? []).map((t) => t.trackId);
  }

  describe.each(['rest', 'grpc'] as const)('over %s', (transport) => {
    let ann: User;
    let bob: User;
    const api = () => h.api(transport);

    beforeAll(async () => {
      ann = await h.user();
      bob = await h.user();
    });

    it('should create, rename, describe, publish and delete a playlist', async () => {
      const created = expectOk(await api().call<Playlist>('createPlaylist', { name: '  Road trip ' }, ann.token));
      expect(created).toMatchObject({ name: 'Road trip', ownerId: ann.id });
      expect(created.isPublic ?? false).toBe(false);
      const updated = expectOk(
        await api().call<Playlist>(
          'updatePlaylist',
          { id: created.id, name: 'Night drive', description: 'slow', isPublic: true },
          ann.token,
        ),
      );
      expect(updated).toMatchObject({ name: 'Night drive', description: 'slow', isPublic: true });
      const partly = expectOk(
        await api().call<Playlist>('updatePlaylist', { id: created.id, isPublic: false }, ann.token),
      );
      expect(partly).toMatchObject({ name: 'Night drive', description: 'slow' });
      expect(partly.isPublic ?? false).toBe(false);
      const mine = expectOk(
        await api().call<{ playlists: Playlist[]; total: number }>('listMyPlaylists', {}, ann.token),
      );
      expect(mine.playlists.map((p) => p.id)).toContain(created.id);
      expectOk(await api().call('deletePlaylist', { id: created.id }, ann.token));
      expectError(await api().call('getPlaylist', { id: created.id }, ann.token), 'NOT_FOUND');
    });

    it('should add at a position, list in order, move and remove with dense positions', async () => {
      const { id } = expectOk(await api().call<Playlist>('createPlaylist', { name: 'Mix' }, ann.token));
      expectOk(await api().call('addPlaylistTracks', { id, trackIds: [HBFS_DEEZER, ONE_MORE_TIME] }, ann.token));
      const added = expectOk(
        await api().call<{ tracks: Entry[] }>('addPlaylistTracks', { id, trackIds: [HBFS], position: 0 }, ann.token),
      );
      expect(added.tracks).toEqual([expect.objectContaining({ trackId: HBFS })]);
      expect(await tracksOf(api(), id, ann.token)).toEqual([HBFS, HBFS_DEEZER, ONE_MORE_TIME]);
      expectOk(await api().call('movePlaylistTrack', { id, from: 0, to: 2 }, ann.token));
      expect(await tracksOf(api(), id, ann.token)).toEqual([HBFS_DEEZER, ONE_MORE_TIME, HBFS]);
      expectOk(await api().call('movePlaylistTrack', { id, from: 2, to: 1 }, ann.token));
      expect(await tracksOf(api(), id, ann.token)).toEqual([HBFS_DEEZER, HBFS, ONE_MORE_TIME]);
      expectOk(await api().call('removePlaylistTrack', { id, position: 0 }, ann.token));
      expect(await tracksOf(api(), id, ann.token)).toEqual([HBFS, ONE_MORE_TIME]);
      const page = expectOk(
        await api().call<{ tracks: Entry[]; total: number }>(
          'listPlaylistTracks',
          { id, limit: 1, offset: 1 },
          ann.token,
        ),
      );
      expect(page).toMatchObject({ total: 2, tracks: [{ position: 1, trackId: ONE_MORE_TIME }] });
      expect(expectOk(await api().call<Playlist>('getPlaylist', { id }, ann.token)).trackCount).toBe(2);
    });

    it('should show a private playlist to its owner only and a public one to anyone', async () => {
      const { id } = expectOk(await api().call<Playlist>('createPlaylist', { name: 'Secret' }, ann.token));
      expectOk(await api().call('addPlaylistTracks', { id, trackIds: [HBFS] }, ann.token));
      for (const token of [bob.token, undefined]) {
        expectError(await api().call('getPlaylist', { id }, token), 'NOT_FOUND');
        expectError(await api().call('listPlaylistTracks', { id }, token), 'NOT_FOUND');
      }
      const bobsOwn = expectOk(await api().call<{ playlists?: Playlist[] }>('listMyPlaylists', {}, bob.token));
      expect((bobsOwn.playlists ?? []).map((p) => p.id)).not.toContain(id);
      expectOk(await api().call('updatePlaylist', { id, isPublic: true }, ann.token));
      expect(expectOk(await api().call<Playlist>('getPlaylist', { id })).name).toBe('Secret');
      expect(await tracksOf(api(), id, bob.token)).toEqual([HBFS]);
      expectError(await api().call('getPlaylist', { id }, 'garbage'), 'UNAUTHENTICATED');
    });

    it("should never let another user change someone's playlist", async () => {
      const { id } = expectOk(await api().call<Playlist>('createPlaylist', { name: 'Mine' }, ann.token));
      expectOk(await api().call('addPlaylistTracks', { id, trackIds: [HBFS, ONE_MORE_TIME] }, ann.token));
      const attempts: Array<[Parameters<LibraryApi['call']>[0], Record<string, unknown>]> = [
        ['updatePlaylist', { id, name: 'Stolen' }],
        ['deletePlaylist', { id }],
        ['addPlaylistTracks', { id, trackIds: [HBFS] }],
        ['removePlaylistTrack', { id, position: 0 }],
        ['movePlaylistTrack', { id, from: 0, to: 1 }],
      ];
      for (const [op, body] of attempts) {
        expectError(await api().call(op, body, bob.token), 'NOT_FOUND');
      }
      expectOk(await api().call('updatePlaylist', { id, isPublic: true }, ann.token));
      for (const [op, body] of attempts) {
        expectError(await api().call(op, body, bob.token), 'PERMISSION_DENIED');
      }
      expectError(await api().call('addPlaylistTracks', { id, trackIds: [HBFS] }), 'UNAUTHENTICATED');
      const kept = expectOk(await api().call<Playlist>('getPlaylist', { id }, ann.token));
      expect(kept).toMatchObject({ name: 'Mine', trackCount: 2 });
      expect(await tracksOf(api(), id, ann.token)).toEqual([HBFS, ONE_MORE_TIME]);
    });

    it('should refuse bad input with a 4xx, naming the field, and change nothing', async () => {
      const { id } = expectOk(await api().call<Playlist>('createPlaylist', { name: 'Strict' }, ann.token));
      expectOk(await api().call('addPlaylistTracks', { id, trackIds: [HBFS] }, ann.token));
      const cases: Array<[Parameters<LibraryApi['call']>[0], Record<string, unknown>, string, string]> = [
        ['createPlaylist', { name: '   ' }, 'INVALID_ARGUMENT', 'name'],
        ['createPlaylist', { name: 'x'.repeat(201) }, 'INVALID_ARGUMENT', 'name'],
        ['createPlaylist', { name: 'ok', description: 'x'.repeat(2_001) }, 'INVALID_ARGUMENT', 'description'],
        ['updatePlaylist', { id, name: '' }, 'INVALID_ARGUMENT', 'name'],
        ['getPlaylist', { id: 'not-a-uuid' }, 'INVALID_ARGUMENT', 'id'],
        ['getPlaylist', { id: UNKNOWN_PLAYLIST }, 'NOT_FOUND', ''],
        ['addPlaylistTracks', { id: UNKNOWN_PLAYLIST, trackIds: [HBFS] }, 'NOT_FOUND', ''],
        ['addPlaylistTracks', { id, trackIds: [] }, 'INVALID_ARGUMENT', 'trackIds'],
        ['addPlaylistTracks', { id, trackIds: [HBFS, 'deezer:x'] }, 'INVALID_ARGUMENT', 'trackIds[1]'],
        ['addPlaylistTracks', { id, trackIds: [UNKNOWN_TRACK] }, 'NOT_FOUND', ''],
        ['addPlaylistTracks', { id, trackIds: [HBFS], position: 5 }, 'INVALID_ARGUMENT', 'position'],
        ['removePlaylistTrack', { id, position: 1 }, 'INVALID_ARGUMENT', 'position'],
        ['movePlaylistTrack', { id, from: 0, to: 3 }, 'INVALID_ARGUMENT', 'to'],
      ];
      for (const [op, body, code, field] of cases) {
        const error = expectError(await api().call(op, body, ann.token), code);
        expect(error.internal).toBe(false);
        if (field) {
          expect(error.fields).toEqual([field]);
        }
      }
      expect(await tracksOf(api(), id, ann.token)).toEqual([HBFS]);
      const names = await queryDatabase<{ name: string }>(
        h.sut.database.url,
        'SELECT name FROM library_playlists WHERE user_id = $1',
        [ann.id],
      );
      expect(names.map((n) => n.name)).not.toContain('ok');
    });
  });

  it('should keep positions dense with every accepted add present under 20 concurrent edits', async () => {
    const ann = await h.user();
    const [rest, grpc] = h.apis;
    const { id } = expectOk(await rest.call<Playlist>('createPlaylist', { name: 'Busy' }, ann.token));
    expectOk(
      await rest.call('addPlaylistTracks', { id, trackIds: [HBFS, ONE_MORE_TIME, DIE_WITH_A_SMILE] }, ann.token),
    );
    const edits = Array.from({ length: 20 }, (_, i) => {
      const api = i % 2 === 0 ? rest : grpc;
      if (i % 4 === 3) {
        return api.call('movePlaylistTrack', { id, from: 0, to: 2 }, ann.token);
      }
      return api.call('addPlaylistTracks', { id, trackIds: [HBFS_DEEZER], position: i % 3 }, ann.token);
    });
    const outcomes = await Promise.all(edits);
    outcomes.forEach((outcome) => expectOk(outcome));
    const rows = await queryDatabase<{ position: number; track_id: string }>(
      h.sut.database.url,
      'SELECT position, track_id FROM library_playlist_tracks WHERE playlist_id = $1 ORDER BY position',
      [id],
    );
    const adds = 15;
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 3 + adds }, (_, i) => i));
    expect(rows.filter((r) => r.track_id === HBFS_DEEZER)).toHaveLength(adds);
    expect(rows.map((r) => r.track_id).sort()).toEqual(
      [HBFS, ONE_MORE_TIME, DIE_WITH_A_SMILE, ...Array<string>(adds).fill(HBFS_DEEZER)].sort(),
    );
  });
});
