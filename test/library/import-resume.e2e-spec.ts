import { AUTH_TEST_SETTINGS, registerRest } from '../auth/auth-helpers';
import { FakeUpstream } from '../fake-upstream';
import { generatedDeezerTrackId } from '../fake-upstream/fake-playlists';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { settled, type ImportJob } from './import-helpers';
import { expectOk, restLibrary, type LibraryApi } from './library-api';

const PAGES = '/deezer/playlist/770500/tracks';
const BIG_PLAYLIST = 'https://www.deezer.com/playlist/770500';

/**
 * Import jobs live in PostgreSQL: a restart resumes them at the first page not yet committed, and a provider
 * outage makes a job wait and try again rather than fail.
 */
describe('Library import jobs across restarts and outages', () => {
  const fake = new FakeUpstream();
  let database: TestDatabase;
  let sut: TestApp | undefined;

  const boot = async (): Promise<LibraryApi> => {
    sut = await bootTestApp(upstreamEnv(fake, AUTH_TEST_SETTINGS), database);
    return restLibrary(sut.httpUrl);
  };
  // Every app a test boots is closed before the next test (and before the database is dropped): one left running
  // would go on polling for jobs (and take the next test's) after Jest has torn the environment down.
  const stop = async (): Promise<void> => {
    const running = sut;
    sut = undefined;
    await running?.close();
  };

  beforeAll(async () => {
    await fake.start();
    database = await createTestDatabase();
  });
  afterEach(stop);
  afterAll(async () => {
    await database.drop();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('should resume an import after a restart, adding every track exactly once', async () => {
    let api = await boot();
    const token = (await registerRest((sut as TestApp).httpUrl)).tokens.accessToken;
    fake.fault(PAGES, { latencyMs: 300 });
    const started = expectOk(await api.call<ImportJob>('importPlaylist', { url: BIG_PLAYLIST }, token));
    await eventually(async () => (await job(api, token, started.id)).processed === 100, 'a first page');

    await stop();
    // The stopping replica finished the page it was reading and handed the job back.
    const [left] = await queryDatabase<{ state: string; next_offset: number; lease_owner: string | null }>(
      database.url,
      'SELECT state, next_offset, lease_owner FROM library_imports WHERE id = $1',
      [started.id],
    );
    expect(left.state).toBe('running');
    expect(left.next_offset).toBeLessThan(500);
    expect(left.lease_owner).toBeNull();

    fake.clearFaults();
    api = await boot();
    const done = await settled(api, token, started.id);
    expect(done).toMatchObject({ state: 'done', processed: 500, imported: 500 });
    const rows = await queryDatabase<{ track_id: string }>(
      database.url,
      'SELECT track_id FROM library_playlist_tracks WHERE playlist_id = $1 ORDER BY position',
      [done.playlistId],
    );
    expect(rows.map((r) => r.track_id)).toEqual(
      Array.from({ length: 500 }, (_v, i) => `deezer:${generatedDeezerTrackId(i)}`),
    );
  });

  it('should wait out a provider outage and then finish, saying meanwhile why it waits', async () => {
    const api = await boot();
    const token = (await registerRest((sut as TestApp).httpUrl)).tokens.accessToken;
    fake.fault(PAGES, { status: 503, after: 1 });
    const started = expectOk(await api.call<ImportJob>('importPlaylist', { url: BIG_PLAYLIST }, token));
    let waiting: ImportJob | undefined;
    await eventually(async () => {
      waiting = await job(api, token, started.id);
      return waiting.error?.code === 'UPSTREAM_UNAVAILABLE';
    }, 'the job to report the outage');
    expect(waiting).toMatchObject({ state: 'running', processed: 100, imported: 100 });

    fake.clearFaults();
    const done = await settled(api, token, started.id);
    expect(done).toMatchObject({ state: 'done', processed: 500, imported: 500 });
    expect(done.error ?? undefined).toBeUndefined();
  });

  async function job(api: LibraryApi, token: string, id: string): Promise<ImportJob> {
    return expectOk(await api.call<ImportJob>('getImport', { id }, token));
  }
});
