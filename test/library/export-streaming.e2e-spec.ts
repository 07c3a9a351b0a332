import { status as GrpcStatus } from '@grpc/grpc-js';
import { AUTH_TEST_SETTINGS, registerRest } from '../auth/auth-helpers';
import { createMigratedDatabase, queryDatabase, type TestDatabase } from '../support/database';
import { SHARED_REDIS_URL } from '../support/env';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { heapGrowthDuring, heapProbeArgs } from '../support/heap-probe';
import { spawnApp, type SpawnedApp } from '../support/spawned-app';

jest.setTimeout(600_000);

/** Long titles, so the size of the document dwarfs what a page of rows holds. */
const TITLE_CHARS = 1000;

interface Library {
  favorites: number;
  plays: number;
  /** Tracks per playlist, in the order the playlists were created; 0 is an empty playlist. */
  playlists: number[];
}

/** 10 000 library rows (favorites, plays, playlists and their tracks), and the same spread over 1 000. */
const BIG: Library = { favorites: 3000, plays: 4000, playlists: [2500, 0, 497] };
const SMALL: Library = { favorites: 300, plays: 400, playlists: [250, 0, 47] };

function rowsOf(library: Library): number {
  return library.favorites + library.plays + library.playlists.length + library.playlists.reduce((a, b) => a + b, 0);
}

interface ExportDocument {
  user: { id: string };
  sessions: unknown[];
  loginAttempts: unknown[];
  favorites: Array<{ type: string; id: string; title: string }>;
  history: Array<{ id: string }>;
  playlists: Array<{ id: string; trackCount: number; tracks: Array<{ position: number; title: string }> }>;
}

/**
 * Rows written straight into the tables (the API would take minutes for this many), with timestamps shared by
 * several rows and a microsecond apart, so pages end inside runs of equal times and a cursor rounded to the
 * millisecond would lose or repeat rows.
 */
async function seed(db: TestDatabase, userId: string, library: Library): Promise<string[]> {
  await queryDatabase(
    db.url,
    `INSERT INTO library_favorites (user_id, entity_type, entity_id, title, artist_line, created_at)
     SELECT $1, (ARRAY['track', 'album', 'artist'])[1 + i % 3], 'deezer:' || (i / 3), repeat('f', $3) || i, 'artist',
       timestamptz '2026-01-01' + (i / 7) * interval '1 microsecond'
     FROM generate_series(0, $2 - 1) i`,
    [userId, library.favorites, TITLE_CHARS],
  );
  await queryDatabase(
    db.url,
    `INSERT INTO library_plays (user_id, track_id, title, artist_line, played_at)
     SELECT $1, 'deezer:' || i, repeat('p', $3) || i, 'artist', timestamptz '2026-01-01' + (i / 5) * interval '1 microsecond'
     FROM generate_series(0, $2 - 1) i`,
    [userId, library.plays, TITLE_CHARS],
  );
  const ids: string[] = [];
  for (const [index, tracks] of library.playlists.entries()) {
    // The first two share their creation time: ties go by id.
    const [playlist] = await queryDatabase<{ id: string }>(
      db.url,
      `INSERT INTO library_playlists (user_id, name, created_at)
       VALUES ($1, $2, timestamptz '2026-01-01' + $3 * interval '1 microsecond') RETURNING id`,
      [userId, `playlist ${index}`, index === 0 ? 1 : index],
    );
    await queryDatabase(
      db.url,
      `INSERT INTO library_playlist_tracks (playlist_id, position, track_id, title, artist_line)
       SELECT $1, i, 'deezer:' || i, repeat('t', $3) || i, 'artist' FROM generate_series(0, $2 - 1) i`,
      [playlist.id, tracks, TITLE_CHARS],
    );
    ids.push(playlist.id);
  }
  return ids;
}

async function restExport(app: SpawnedApp, token: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${app.httpUrl}/v1/me/export`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

function expectComplete(document: ExportDocument, library: Library, playlistIds: string[], userId: string): void {
  expect(document.user.id).toBe(userId);
  expect(document.sessions).toHaveLength(1);
  expect(document.favorites).toHaveLength(library.favorites);
  expect(new Set(document.favorites.map((f) => `${f.type}:${f.id}`)).size).toBe(library.favorites);
  expect(document.history).toHaveLength(library.plays);
  expect(new Set(document.history.map((p) => p.id)).size).toBe(library.plays);
  // Oldest first, ties by id: the two created at the same instant in id order.
  const expectedOrder = [...playlistIds.slice(0, 2).sort(), ...playlistIds.slice(2)];
  expect(document.playlists.map((p) => p.id)).toEqual(expectedOrder);
  for (const playlist of document.playlists) {
    const tracks = library.playlists[playlistIds.indexOf(playlist.id)];
    expect(playlist.trackCount).toBe(tracks);
    expect(playlist.tracks.map((t) => t.position)).toEqual([...Array(tracks).keys()]);
    expect(playlist.tracks.map((t) => t.title.slice(TITLE_CHARS))).toEqual([...Array(tracks).keys()].map(String));
  }
}

describe('Account export of a large library', () => {
  let db: TestDatabase;
  let app: SpawnedApp;
  const users: Record<'big' | 'small', { id: string; token: string; playlists: string[] }> = {} as never;

  beforeAll(async () => {
    db = await createMigratedDatabase('export_stream');
    app = await spawnApp(
      {
        ...AUTH_TEST_SETTINGS,
        DATABASE_URL: db.url,
        DB_SKIP_MIGRATIONS: 'false',
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_KEY_PREFIX: `test:${db.name}:`,
      },
      { nodeArgs: heapProbeArgs(), ipc: true },
    );
    await app.waitReady();
    for (const [name, library] of [
      ['big', BIG],
      ['small', SMALL],
    ] as const) {
      const body = await registerRest(app.httpUrl);
      users[name] = { id: body.user.id, token: body.tokens.accessToken, playlists: [] };
      users[name].playlists = await seed(db, body.user.id, library);
    }
    // Someone else's library, which neither export may show.
    await seed(db, (await registerRest(app.httpUrl)).user.id, SMALL);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('should seed 10 000 and 1 000 library rows', () => {
    expect([rowsOf(BIG), rowsOf(SMALL)]).toEqual([10_000, 1_000]);
  });

  it('should export every row of 10 000 over REST as one JSON document, while the heap stays as flat as for 1 000', async () => {
    const answers: Record<string, { status: number; type: string; text: string }> = {};
    const growth: Record<string, number> = {};
    // Each measured twice, keeping the lower: a collection the sampler happened to catch mid-way cannot decide.
    for (const name of ['small', 'big', 'small', 'big'] as const) {
      const sample = await heapGrowthDuring(app.process, async () => {
        answers[name] = await restExport(app, users[name].token);
      });
      growth[name] = Math.min(growth[name] ?? Infinity, sample);
    }
    for (const name of ['big', 'small'] as const) {
      expect([answers[name].status, answers[name].type]).toEqual([200, expect.stringContaining('application/json')]);
      const library = name === 'big' ? BIG : SMALL;
      expectComplete(JSON.parse(answers[name].text) as ExportDocument, library, users[name].playlists, users[name].id);
    }
    const bytes = { big: answers.big.text.length, small: answers.small.text.length };
    expect(bytes.big).toBeGreaterThan(9 * 1000 * TITLE_CHARS);
    // Held whole, the export of 10 000 rows grows the heap by more than its own size (12 MB here for 11 MB of
    // JSON, against 0.9 MB for 1 000 rows); streamed, by a few pages of rows and chunks (~0.3 MB, ~0.15 MB for
    // 1 000 rows). Bounds a tenth of the document's size apart from either side of that gap.
    expect(growth.big).toBeLessThan(bytes.big / 10);
    expect(growth.big - growth.small).toBeLessThan((bytes.big - bytes.small) / 10);
  });

  it('should stream the same document over gRPC, and refuse it in one message when it does not fit', async () => {
    const auth = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    try {
      for (const name of ['big', 'small'] as const) {
        const headers = { authorization: `Bearer ${users[name].token}` };
        const streamed = await grpcCall<{ messages: Array<{ json: string }> }>(
          auth,
          'StreamExport',
          {},
          headers,
          300_000,
        );
        expect(streamed.error).toBeUndefined();
        const messages = streamed.response?.messages ?? [];
        expect(messages.length).toBeGreaterThan(name === 'big' ? 100 : 10);
        const document = JSON.parse(messages.map((m) => m.json).join('')) as ExportDocument;
        const library = name === 'big' ? BIG : SMALL;
        expectComplete(document, library, users[name].playlists, users[name].id);
        const rest = JSON.parse((await restExport(app, users[name].token)).text) as Record<string, unknown>;
        expect({ ...document, exportedAt: undefined }).toEqual({ ...rest, exportedAt: undefined });
      }
      const whole = await grpcCall(auth, 'ExportData', {}, { authorization: `Bearer ${users.small.token}` }, 300_000);
      expect(whole.error).toBeUndefined();
      const tooLarge = await grpcCall(auth, 'ExportData', {}, { authorization: `Bearer ${users.big.token}` }, 300_000);
      expect(tooLarge.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    } finally {
      auth.close();
    }
  });
});
