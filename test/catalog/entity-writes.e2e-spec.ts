import request from 'supertest';
import { FakeUpstream } from '../fake-upstream';
import { queryDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

jest.setTimeout(60_000);

const HBFS = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
const DAFT_PUNK_DEEZER = 'deezer:27';

interface TrackView {
  isrcs: string[];
  artistCredit: unknown[];
  genres: unknown[];
  tags: unknown[];
}

interface LookupRows {
  ids: number;
  isrcs: number;
  credits: number;
  tags: number;
  fetchedAt: string;
}

async function trackRows(url: string, publicId: string): Promise<LookupRows | undefined> {
  const rows = await queryDatabase<Record<string, string>>(
    url,
    `SELECT t.fetched_at::text AS "fetchedAt",
            (SELECT count(*) FROM catalog_external_ids WHERE entity_id = t.id AND kind = 'track') AS ids,
            (SELECT count(*) FROM catalog_isrcs WHERE track_id = t.id) AS isrcs,
            (SELECT count(*) FROM catalog_artist_credits WHERE entity_id = t.id AND kind = 'track') AS credits,
            (SELECT count(*) FROM catalog_tags WHERE entity_id = t.id AND kind = 'track') AS tags
       FROM catalog_tracks t WHERE t.public_id = $1`,
    [publicId],
  );
  const row = rows[0];
  return (
    row && {
      ids: Number(row.ids),
      isrcs: Number(row.isrcs),
      credits: Number(row.credits),
      tags: Number(row.tags),
      fetchedAt: row.fetchedAt,
    }
  );
}

/** Probes until it answers something; no deadline of its own (see eventually). */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await eventually(async () => (value = await probe()) !== undefined, 'the probe to answer');
  return value as T;
}

/** Asks for `path` until the answer is STALE (the entity TTL is a second), so no test sleeps for the TTL. */
async function untilStale(httpUrl: string, path: string): Promise<void> {
  await until(async () => {
    const answer = await request(httpUrl).get(path);
    expect(answer.status).toBe(200);
    return answer.headers['x-cache'] === 'STALE' ? true : undefined;
  });
}

/** How a fetched entity is written: one statement for a new one, a rewrite for a stored one, all or nothing. */
describe('Catalog writes', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;

  beforeAll(async () => {
    await fake.start();
    // Entities go stale after a second, so the refresh (rewrite) path can be reached.
    sut = await bootTestApp(upstreamEnv(fake, { CATALOG_TTL_SECONDS: 'entity=1', HTTP_CACHE_MAX_BYTES: '0' }));
  });

  afterAll(async () => {
    await sut?.close();
    await fake.stop();
  });

  it('should store a first-time track with every row it is looked up by', async () => {
    const answer = await request(sut.httpUrl).get(`/v1/tracks/${HBFS}`);
    expect(answer.status).toBe(200);
    const track = answer.body as TrackView;
    expect(track.isrcs.length).toBeGreaterThan(0);
    expect(await trackRows(sut.database.url, HBFS)).toMatchObject({
      // Its own id and the Deezer id of its MusicBrainz URL relation.
      ids: 2,
      isrcs: track.isrcs.length,
      credits: track.artistCredit.length,
      tags: track.genres.length + track.tags.length,
    });
  });

  it('should replace, never duplicate, the lookup rows when a stale track is refreshed', async () => {
    const before = await trackRows(sut.database.url, HBFS);
    // Asked until the stored answer has gone stale: that answer starts the background refresh.
    await untilStale(sut.httpUrl, `/v1/tracks/${HBFS}`);
    // The refresh runs in the background; it is done when the row's fetched_at moves.
    const after = await until(async () => {
      const rows = await trackRows(sut.database.url, HBFS);
      return rows && rows.fetchedAt !== before?.fetchedAt ? rows : undefined;
    });
    expect(fake.count('/musicbrainz/ws/2/recording')).toBe(2);
    expect({ ...after, fetchedAt: undefined }).toEqual({ ...before, fetchedAt: undefined });
  });

  it('should commit fetched entities without waiting for the WAL flush, first-time and refreshed alike', async () => {
    const artist = 'musicbrainz:650e7db6-b795-4eb5-a702-5ea2fc46c848';
    // A trigger notes the synchronous_commit in force in each write's transaction.
    await queryDatabase(
      sut.database.url,
      `CREATE TABLE commit_probe (public_id text, setting text);
       CREATE FUNCTION note_commit() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN INSERT INTO commit_probe VALUES (NEW.public_id, current_setting('synchronous_commit')); RETURN NEW; END $$;
       CREATE TRIGGER note_commit AFTER INSERT OR UPDATE ON catalog_artists FOR EACH ROW EXECUTE FUNCTION note_commit();`,
    );
    const notes = (): Promise<Array<{ setting: string }>> =>
      queryDatabase(sut.database.url, `SELECT setting FROM commit_probe WHERE public_id = $1`, [artist]);
    try {
      expect((await request(sut.httpUrl).get(`/v1/artists/${artist}`)).headers['x-cache']).toBe('MISS');
      await untilStale(sut.httpUrl, `/v1/artists/${artist}`);
      const written = await until(async () => ((await notes()).length === 2 ? notes() : undefined));
      expect(written).toEqual([{ setting: 'off' }, { setting: 'off' }]);
      // Only inside those transactions: the connections themselves keep waiting for the flush.
      const session = await queryDatabase<{ setting: string }>(
        sut.database.url,
        `SELECT current_setting('synchronous_commit') AS setting`,
      );
      expect(session).toEqual([{ setting: 'on' }]);
    } finally {
      await queryDatabase(
        sut.database.url,
        `DROP TRIGGER note_commit ON catalog_artists; DROP FUNCTION note_commit(); DROP TABLE commit_probe`,
      );
    }
  });

  it('should store nothing of an entity when one of its lookup rows is refused', async () => {
    // A real constraint failure in the last part of the write: every catalog_images row is refused.
    await queryDatabase(
      sut.database.url,
      `CREATE FUNCTION refuse_image() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'image refused by test'; END $$;
       CREATE TRIGGER refuse_image BEFORE INSERT ON catalog_images FOR EACH ROW EXECUTE FUNCTION refuse_image();`,
    );
    try {
      const refused = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK_DEEZER}`);
      expect(refused.status).toBe(503);
      const stored = await queryDatabase(
        sut.database.url,
        `SELECT 1 FROM catalog_artists WHERE public_id = $1
         UNION ALL SELECT 1 FROM catalog_external_ids WHERE kind = 'artist' AND provider = 'deezer' AND native_id = '27'`,
        [DAFT_PUNK_DEEZER],
      );
      expect(stored).toEqual([]);
    } finally {
      await queryDatabase(
        sut.database.url,
        `DROP TRIGGER refuse_image ON catalog_images; DROP FUNCTION refuse_image()`,
      );
    }
    const accepted = await request(sut.httpUrl).get(`/v1/artists/${DAFT_PUNK_DEEZER}`);
    expect(accepted.status).toBe(200);
    const images = await queryDatabase<{ n: string }>(
      sut.database.url,
      `SELECT count(*) AS n FROM catalog_images i JOIN catalog_artists a ON a.id = i.entity_id WHERE a.public_id = $1`,
      [DAFT_PUNK_DEEZER],
    );
    expect(Number(images[0].n)).toBe((accepted.body as { images: unknown[] }).images.length);
  });
});
