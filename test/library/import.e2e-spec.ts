import { queryDatabase } from '../support/database';
import { expectError, expectOk } from './library-api';
import {
  DIE_WITH_A_SMILE,
  HBFS_DEEZER,
  HBFS_SPOTIFY,
  LibraryHarness,
  ONE_MORE_TIME,
  type User,
} from './library-harness';

const DEEZER_PLAYLIST = 'https://www.deezer.com/fr/playlist/908622995';
const SPOTIFY_PLAYLIST = 'https://open.spotify.com/playlist/37i9dQZF1DX0XUsuxWHRQd?si=abc';

interface Imported {
  playlist: { id: string; name: string; isPublic?: boolean; trackCount: number; sourceUrl: string };
  imported: number;
  unresolved?: Array<{ sourceId?: string; title: string; reason: string }>;
}

describe('Library playlist import over REST and gRPC', () => {
  const h = new LibraryHarness();

  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => h.fake.reset());

  // First, while no track of the playlist is in the catalog yet (later tests would have fetched them).
  it('should store nothing when the provider fails in the middle of an import', async () => {
    const bob = await h.user();
    h.fake.fault('/deezer/track/3135553', { status: 503 });
    // A provider outage is not a per-track problem: the whole import fails (503, not INTERNAL) and can be retried.
    expectError(await h.apis[0].call('importPlaylist', { url: DEEZER_PLAYLIST }, bob.token), 'UPSTREAM_UNAVAILABLE');
    expect(await playlistCount(bob.id)).toBe(0);
  });

  describe.each(['rest', 'grpc'] as const)('over %s', (transport) => {
    let ann: User;
    const api = () => h.api(transport);

    beforeAll(async () => {
      ann = await h.user();
    });

    it('should import a Deezer playlist as a private one and report the track it cannot resolve', async () => {
      const result = expectOk(await api().call<Imported>('importPlaylist', { url: DEEZER_PLAYLIST }, ann.token));
      expect(result.playlist).toMatchObject({
        name: 'Daft Punk Essentials',
        trackCount: 3,
        sourceUrl: DEEZER_PLAYLIST,
      });
      expect(result.playlist.isPublic ?? false).toBe(false);
      expect(result.imported).toBe(3);
      expect(result.unresolved).toEqual([
        expect.objectContaining({
          sourceId: 'deezer:777777777',
          title: 'Lost In The Vault',
          reason: 'not found in the catalog',
        }),
      ]);
      const tracks = expectOk(
        await api().call<{ tracks: Array<{ trackId: string; position?: number }> }>(
          'listPlaylistTracks',
          { id: result.playlist.id },
          ann.token,
        ),
      );
      expect(tracks.tracks.map((t) => t.trackId)).toEqual([HBFS_DEEZER, ONE_MORE_TIME, DIE_WITH_A_SMILE]);
      expect(h.fake.count('/deezer/playlist/908622995/tracks')).toBe(1);
    });

    it('should import a Spotify playlist, reporting unknown, local and removed entries', async () => {
      const result = expectOk(await api().call<Imported>('importPlaylist', { url: SPOTIFY_PLAYLIST }, ann.token));
      expect(result.playlist).toMatchObject({ name: 'Robot Rock', trackCount: 1 });
      expect(result.imported).toBe(1);
      expect(result.unresolved?.map((u) => u.reason)).toEqual([
        'not found in the catalog',
        'local file',
        'removed from spotify',
      ]);
      const tracks = expectOk(
        await api().call<{ tracks: Array<{ trackId: string }> }>(
          'listPlaylistTracks',
          { id: result.playlist.id },
          ann.token,
        ),
      );
      expect(tracks.tracks.map((t) => t.trackId)).toEqual([HBFS_SPOTIFY]);
    });

    it('should refuse URLs that are not a known playlist, storing nothing', async () => {
      const before = await playlistCount(ann.id);
      const cases: Array<[string, string]> = [
        ['https://www.deezer.com/track/3135556', 'INVALID_ARGUMENT'],
        ['https://example.com/playlist/1', 'INVALID_ARGUMENT'],
        ['not a url', 'INVALID_ARGUMENT'],
        ['https://www.deezer.com/playlist/1234', 'NOT_FOUND'],
      ];
      for (const [url, code] of cases) {
        const error = expectError(await api().call('importPlaylist', { url }, ann.token), code);
        expect(error.internal).toBe(false);
        if (code === 'INVALID_ARGUMENT') {
          expect(error.fields).toEqual(['url']);
        }
      }
      expectError(await api().call('importPlaylist', { url: DEEZER_PLAYLIST }), 'UNAUTHENTICATED');
      expect(await playlistCount(ann.id)).toBe(before);
    });
  });

  async function playlistCount(userId: string): Promise<number> {
    const rows = await queryDatabase<{ n: string }>(
      h.sut.database.url,
      'SELECT count(*) AS n FROM library_playlists WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0].n);
  }
});
