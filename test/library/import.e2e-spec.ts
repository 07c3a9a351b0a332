import request from 'supertest';
import { queryDatabase } from '../support/database';
import { settled, type ImportJob } from './import-helpers';
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
/** A generated Deezer playlist of 500 tracks (test/fake-upstream/fake-playlists.ts). */
const BIG_PLAYLIST = 'https://www.deezer.com/playlist/770500';
const IMPORT_FORMS =
  'url: unsupported URL; supported forms: https://www.deezer.com/[<lang>/]playlist/<id>; ' +
  'https://open.spotify.com/[intl-<lang>/]playlist/<id>';

describe('Library playlist import jobs over REST and gRPC', () => {
  const h = new LibraryHarness();

  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => h.fake.reset());

  it('should answer 202 with the queued job and its new private playlist', async () => {
    const ann = await h.user();
    const response = await request(h.sut.httpUrl)
      .post('/v1/me/playlists/import')
      .set('authorization', `Bearer ${ann.token}`)
      .send({ url: DEEZER_PLAYLIST });
    expect(response.status).toBe(202);
    const job = response.body as ImportJob;
    expect(job).toMatchObject({ sourceUrl: DEEZER_PLAYLIST, total: 4 });
    expect(['queued', 'running', 'done']).toContain(job.state);
    expect(job.playlistId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await settled(h.apis[0], ann.token, job.id)).state).toBe('done');
  });

  describe.each(['rest', 'grpc'] as const)('over %s', (transport) => {
    let ann: User;
    const api = () => h.api(transport);

    beforeAll(async () => {
      ann = await h.user();
    });

    it('should import a Deezer playlist from its own track data: one head and one page call', async () => {
      const started = expectOk(await api().call<ImportJob>('importPlaylist', { url: DEEZER_PLAYLIST }, ann.token));
      const job = await settled(api(), ann.token, started.id);
      expect(job).toMatchObject({ state: 'done', total: 4, processed: 4, imported: 4 });
      expect(job.unresolved ?? []).toEqual([]);
      const playlist = expectOk(
        await api().call<{ name: string; isPublic?: boolean; trackCount: number; sourceUrl: string }>(
          'getPlaylist',
          { id: job.playlistId },
          ann.token,
        ),
      );
      expect(playlist).toMatchObject({ name: 'Daft Punk Essentials', trackCount: 4, sourceUrl: DEEZER_PLAYLIST });
      expect(playlist.isPublic ?? false).toBe(false);
      const tracks = expectOk(
        await api().call<{ tracks: Array<{ trackId: string; title: string; artistLine: string }> }>(
          'listPlaylistTracks',
          { id: job.playlistId },
          ann.token,
        ),
      );
      expect(tracks.tracks.map((t) => t.trackId)).toEqual([
        HBFS_DEEZER,
        ONE_MORE_TIME,
        'deezer:777777777',
        DIE_WITH_A_SMILE,
      ]);
      expect(tracks.tracks[0]).toMatchObject({ title: 'Harder, Better, Faster, Stronger', artistLine: 'Daft Punk' });
      // Built from the playlist's pages: no call per track.
      expect(h.fake.count('/deezer/playlist/908622995')).toBe(2);
      expect(h.fake.count('/deezer/track')).toBe(0);

      // Asked about again, the finished import is read from PostgreSQL: no provider call.
      h.fake.reset();
      const again = expectOk(await api().call<ImportJob>('getImport', { id: started.id }, ann.token));
      expect(again).toMatchObject({ state: 'done', imported: 4 });
      expectOk(await api().call('listImports', {}, ann.token));
      expect(h.fake.count()).toBe(0);
    });

    it('should import a Spotify playlist, reporting local and removed entries', async () => {
      const started = expectOk(await api().call<ImportJob>('importPlaylist', { url: SPOTIFY_PLAYLIST }, ann.token));
      const job = await settled(api(), ann.token, started.id);
      expect(job).toMatchObject({ state: 'done', total: 4, processed: 4, imported: 2 });
      expect(job.unresolved?.map((u) => u.reason)).toEqual(['local file', 'removed from spotify']);
      const tracks = expectOk(
        await api().call<{ tracks: Array<{ trackId: string }> }>(
          'listPlaylistTracks',
          { id: job.playlistId },
          ann.token,
        ),
      );
      expect(tracks.tracks.map((t) => t.trackId)).toEqual([HBFS_SPOTIFY, 'spotify:0000000000000000000000']);
    });

    it('should refuse URLs that are not a known playlist, storing nothing', async () => {
      const bob = await h.user();
      const cases: Array<[string, string]> = [
        ['https://www.deezer.com/track/3135556', 'INVALID_ARGUMENT'],
        ['https://example.com/playlist/1', 'INVALID_ARGUMENT'],
        ['not a url', 'INVALID_ARGUMENT'],
        ['https://www.deezer.com/playlist/1234', 'NOT_FOUND'],
      ];
      for (const [url, code] of cases) {
        const error = expectError(await api().call('importPlaylist', { url }, bob.token), code);
        expect(error.internal).toBe(false);
        if (code === 'INVALID_ARGUMENT') {
          expect(error.fields).toEqual(['url']);
          // The forms an import reads, and no other (no MusicBrainz, Apple, or Deezer track links).
          expect([url, error.detail]).toEqual([url, IMPORT_FORMS]);
        }
      }
      expectError(await api().call('importPlaylist', { url: DEEZER_PLAYLIST }), 'UNAUTHENTICATED');
      expect(await count('library_playlists', bob.id)).toBe(0);
      expect(await count('library_imports', bob.id)).toBe(0);
    });

    it("should keep each user's imports to themselves", async () => {
      const started = expectOk(await api().call<ImportJob>('importPlaylist', { url: DEEZER_PLAYLIST }, ann.token));
      const eve = await h.user();
      expectError(await api().call('getImport', { id: started.id }, eve.token), 'NOT_FOUND');
      expectError(
        await api().call('getImport', { id: '00000000-0000-4000-8000-000000000000' }, ann.token),
        'NOT_FOUND',
      );
      expect(expectError(await api().call('getImport', { id: 'nope' }, ann.token), 'INVALID_ARGUMENT').fields).toEqual([
        'id',
      ]);
      const mine = expectOk(await api().call<{ imports: ImportJob[] }>('listImports', { limit: 100 }, ann.token));
      expect(mine.imports[0]?.id).toBe(started.id);
      const theirs = expectOk(await api().call<{ imports?: ImportJob[] }>('listImports', {}, eve.token));
      expect(theirs.imports ?? []).toEqual([]);
      await settled(api(), ann.token, started.id);
    });
  });

  it('should import 500 tracks with at most 20 provider calls', async () => {
    const ann = await h.user();
    const started = expectOk(await h.apis[1].call<ImportJob>('importPlaylist', { url: BIG_PLAYLIST }, ann.token));
    const job = await settled(h.apis[1], ann.token, started.id);
    expect(job).toMatchObject({ state: 'done', total: 500, processed: 500, imported: 500 });
    expect(h.fake.count('/')).toBeLessThanOrEqual(20);
    const rows = await queryDatabase<{ n: string; distinct_ids: string; top: number }>(
      h.sut.database.url,
      `SELECT count(*) AS n, count(DISTINCT track_id) AS distinct_ids, max(position) AS top
         FROM library_playlist_tracks WHERE playlist_id = $1`,
      [job.playlistId],
    );
    expect(rows[0]).toMatchObject({ n: '500', distinct_ids: '500', top: 499 });
  });

  it('should let one account run at most 3 imports at once', async () => {
    const cat = await h.user();
    // The page calls wait on a slow provider, so the first three stay unfinished while the fourth is asked.
    h.fake.fault('/deezer/playlist/770500/tracks', { latencyMs: 400 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(expectOk(await h.apis[0].call<ImportJob>('importPlaylist', { url: BIG_PLAYLIST }, cat.token)).id);
    }
    const refused = expectError(
      await h.apis[0].call('importPlaylist', { url: BIG_PLAYLIST }, cat.token),
      'RATE_LIMITED',
    );
    expect(refused.internal).toBe(false);
    expect(await count('library_imports', cat.id)).toBe(3);
    h.fake.clearFaults();
    for (const id of ids) {
      expect((await settled(h.apis[0], cat.token, id)).state).toBe('done');
    }
    expectOk(await h.apis[0].call<ImportJob>('importPlaylist', { url: DEEZER_PLAYLIST }, cat.token));
  });

  it('should fail an import whose playlist the owner deleted meanwhile, keeping nothing half-done', async () => {
    const dan = await h.user();
    h.fake.fault('/deezer/playlist/770500/tracks', { latencyMs: 300 });
    const started = expectOk(await h.apis[0].call<ImportJob>('importPlaylist', { url: BIG_PLAYLIST }, dan.token));
    expectOk(await h.apis[0].call('deletePlaylist', { id: started.playlistId }, dan.token));
    const job = await settled(h.apis[0], dan.token, started.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(await count('library_playlists', dan.id)).toBe(0);
  });

  async function count(table: 'library_playlists' | 'library_imports', userId: string): Promise<number> {
    const rows = await queryDatabase<{ n: string }>(
      h.sut.database.url,
      `SELECT count(*) AS n FROM ${table} WHERE user_id = $1`,
      [userId],
    );
    return Number(rows[0].n);
  }
});
