import { ErrorCode, type Caller } from '@app/core';
import type { PlaylistView } from '../domain/library.views';
import type { Snapshot } from '../domain/track-snapshot';
import { LibrarySettings } from '../library.settings';
import type { PlaylistEditor, PlaylistEditorRepository } from '../persistence/playlist-editor.repository';
import type { PlaylistRepository } from '../persistence/playlist.repository';
import type { CatalogSnapshotService } from './catalog-snapshot.service';
import { PlaylistTracksService } from './playlist-tracks.service';

const caller: Caller = { id: 'ann', role: 'user', sessionId: 's' };
const snapshot = (id: string): Snapshot => ({ id, title: id, artistLine: '', artists: [] });

/** An editor over an in-memory list with the same rules for positions as the SQL. */
class FakeEditor {
  constructor(readonly list: string[]) {}
  get trackCount() {
    return this.list.length;
  }
  insert(position: number, tracks: Snapshot[]) {
    this.list.splice(position, 0, ...tracks.map((t) => t.id));
    return Promise.resolve([]);
  }
  remove(position: number) {
    this.list.splice(position, 1);
    return Promise.resolve();
  }
  move(from: number, to: number) {
    const [item] = this.list.splice(from, 1);
    this.list.splice(to, 0, item);
    return Promise.resolve();
  }
}

describe(PlaylistTracksService.name, () => {
  let editor: FakeEditor;
  let owned: boolean;
  let visible: PlaylistView | undefined;
  let settings: LibrarySettings;
  let sut: PlaylistTracksService;

  beforeEach(() => {
    editor = new FakeEditor(['a', 'b', 'c']);
    owned = true;
    visible = undefined;
    settings = new LibrarySettings();
    const editors = {
      editOwned: async <T>(_u: string, _p: string, edit: (e: PlaylistEditor) => Promise<T>) =>
        owned ? { result: await edit(editor as unknown as PlaylistEditor) } : undefined,
    } as unknown as PlaylistEditorRepository;
    const playlists = { findReadable: () => Promise.resolve(visible) } as unknown as PlaylistRepository;
    const catalog = { track: (id: string) => Promise.resolve(snapshot(id)) } as unknown as CatalogSnapshotService;
    sut = new PlaylistTracksService(editors, playlists, catalog, settings);
  });

  it('should append without a position and insert before one', async () => {
    await sut.add(caller, 'p', ['d']);
    await sut.add(caller, 'p', ['x', 'y'], 0);
    expect(editor.list).toEqual(['x', 'y', 'a', 'b', 'c', 'd']);
  });

  it('should move and remove by position', async () => {
    await sut.move(caller, 'p', 0, 2);
    expect(editor.list).toEqual(['b', 'c', 'a']);
    await sut.remove(caller, 'p', 1);
    expect(editor.list).toEqual(['b', 'a']);
  });

  it.each([
    ['add past the end', (s: PlaylistTracksService) => s.add(caller, 'p', ['d'], 4), 'position'],
    ['remove past the end', (s: PlaylistTracksService) => s.remove(caller, 'p', 3), 'position'],
    ['move from past the end', (s: PlaylistTracksService) => s.move(caller, 'p', 3, 0), 'from'],
    ['move to past the end', (s: PlaylistTracksService) => s.move(caller, 'p', 0, 3), 'to'],
  ])('should refuse to %s, naming the field', async (_name, act, field) => {
    await expect(act(sut)).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT, violations: [{ field }] });
    expect(editor.list).toEqual(['a', 'b', 'c']);
  });

  it('should refuse adds beyond LIBRARY_PLAYLIST_MAX_TRACKS', async () => {
    settings.LIBRARY_PLAYLIST_MAX_TRACKS = 4;
    await expect(sut.add(caller, 'p', ['d', 'e'])).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });

  it("should answer NOT_FOUND for someone's private playlist and PERMISSION_DENIED for a public one", async () => {
    owned = false;
    await expect(sut.remove(caller, 'p', 0)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    visible = { id: 'p' } as PlaylistView;
    await expect(sut.remove(caller, 'p', 0)).rejects.toMatchObject({ code: ErrorCode.PERMISSION_DENIED });
    expect(editor.list).toEqual(['a', 'b', 'c']);
  });
});
