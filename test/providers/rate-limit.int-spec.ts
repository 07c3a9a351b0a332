import { createClient } from '@redis/client';
import type { TestingModule } from '@nestjs/testing';
import { ErrorCode } from '@app/core';
import { MusicBrainzAdapter } from '@app/providers';
import { SHARED_REDIS_URL } from '../support/env';
import { FakeUpstream } from '../fake-upstream';
import { createProvidersModule, failureOf, testSettings } from './providers.harness';

const DAFT_PUNK = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';

/** The harness's settings with MusicBrainz paced at `rate` (later map entries win). */
function musicBrainzAt(upstream: FakeUpstream, rate: string): Record<string, string> {
  const env = testSettings(upstream);
  return { ...env, PROVIDER_RATE_LIMITS: `${env.PROVIDER_RATE_LIMITS},musicbrainz=${rate}` };
}

function oneRequestPerSecond(upstream: FakeUpstream, extra: Record<string, string> = {}): Record<string, string> {
  return { ...musicBrainzAt(upstream, '1/1s'), ...extra };
}

describe('provider rate limits', () => {
  const upstream = new FakeUpstream();
  const modules: TestingModule[] = [];

  beforeAll(async () => {
    await upstream.start();
  });

  afterEach(async () => {
    await Promise.all(modules.splice(0).map((m) => m.close()));
    upstream.reset();
  });

  afterAll(async () => {
    await upstream.stop();
  });

  async function module(env: Record<string, string>, waitRedis = true): Promise<TestingModule> {
    const created = await createProvidersModule(env, waitRedis);
    modules.push(created);
    return created;
  }

  it('should space concurrent calls as configured when there is no Redis (per process)', async () => {
    const sut = (await module(oneRequestPerSecond(upstream))).get(MusicBrainzAdapter);
    const start = performance.timeOrigin + performance.now();

    await Promise.all([1, 2, 3].map(() => sut.getArtist(DAFT_PUNK)));

    expect(upstream.count('/musicbrainz')).toBe(3);
    // The in-process limiter counts fixed windows from the first call's slot, which was taken after `start`: the
    // third call cannot take its slot before two whole windows have passed. Gaps between neighbouring arrivals
    // guarantee less, since a first call that reaches the upstream late under CI's load shrinks the first gap.
    // Unlimited, all three would arrive within milliseconds of `start`.
    const times = upstream.requests('/musicbrainz').map((r) => r.at);
    // 50 ms of slack: the limiter's windows run on Date.now(), whole milliseconds, the arrivals on performance.now().
    expect(times[2] - start).toBeGreaterThanOrEqual(1950);
    expect(times[2] - times[0]).toBeGreaterThan(1000);
  });

  it('should fail with UPSTREAM_UNAVAILABLE and a Retry-After once a call would wait past the maximum', async () => {
    const sut = (await module(oneRequestPerSecond(upstream, { PROVIDER_QUEUE_MAX_WAIT_MS: '300' }))).get(
      MusicBrainzAdapter,
    );

    const results = await Promise.allSettled([sut.getArtist(DAFT_PUNK), sut.getArtist(DAFT_PUNK)]);

    expect(results[0].status).toBe('fulfilled');
    const rejected = results[1] as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      message: expect.stringContaining('musicbrainz'),
      retryAfterSeconds: 1,
    });
    expect(upstream.count('/musicbrainz')).toBe(1);
  });

  it('should keep two processes sharing one Redis within one limit together', async () => {
    const env = oneRequestPerSecond(upstream, { REDIS_URL: SHARED_REDIS_URL });
    const first = (await module(env)).get(MusicBrainzAdapter);
    const second = (await module(env)).get(MusicBrainzAdapter);

    await Promise.all([first, second, first, second].map((sut) => sut.getArtist(DAFT_PUNK)));

    expect(upstream.count('/musicbrainz')).toBe(4);
    // The limiter counts fixed windows, so two calls may sit either side of a window's edge, milliseconds apart;
    // what a shared limit guarantees is one call per window: four calls span more than two whole windows. Two
    // processes each with its own limit would send two calls each and finish within about one.
    const times = upstream.requests('/musicbrainz').map((r) => r.at);
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(1900);
  });

  describe('with leases of shared slots', () => {
    const redis = createClient({ url: SHARED_REDIS_URL });
    // 50 per minute: a lease is 5 slots, and no window ends during a test.
    const leasing = (): Record<string, string> => ({
      ...musicBrainzAt(upstream, '50/60s'),
      REDIS_URL: SHARED_REDIS_URL,
      PROVIDER_QUEUE_MAX_WAIT_MS: '300',
    });
    const callsKey = (env: Record<string, string>): string => `${env.REDIS_KEY_PREFIX}ratelimit:musicbrainz:calls`;
    const counted = async (env: Record<string, string>): Promise<number> =>
      Number((await redis.get(callsKey(env))) ?? 0);

    beforeAll(async () => {
      await redis.connect();
    });

    afterAll(async () => {
      await redis.close();
    });

    it('should take a lease of slots per Redis call, and each process its own', async () => {
      const env = leasing();
      const first = (await module(env)).get(MusicBrainzAdapter);
      const second = (await module(env)).get(MusicBrainzAdapter);

      await first.getArtist(DAFT_PUNK);
      expect(await counted(env)).toBe(5);
      for (let i = 0; i < 4; i += 1) {
        await first.getArtist(DAFT_PUNK);
      }
      expect(await counted(env)).toBe(5);
      await first.getArtist(DAFT_PUNK);
      await second.getArtist(DAFT_PUNK);
      expect(await counted(env)).toBe(15);
      expect(upstream.count('/musicbrainz')).toBe(7);
    });

    it('should lease only the slots still free, so replicas together never exceed the limit', async () => {
      const env = leasing();
      // Other replicas took 48 of this window's 50 slots.
      await redis.set(callsKey(env), '48', { PX: 60_000 });
      const sut = (await module(env)).get(MusicBrainzAdapter);

      const results = await Promise.allSettled([1, 2, 3].map(() => sut.getArtist(DAFT_PUNK)));

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
      expect(upstream.count('/musicbrainz')).toBe(2);
    });
  });

  it('should fall back to a per-process limit, without hanging, when Redis is unreachable', async () => {
    const env = { ...musicBrainzAt(upstream, '5/1s'), REDIS_URL: 'redis://127.0.0.1:1' };
    const sut = (await module(env, false)).get(MusicBrainzAdapter);

    await Promise.all([1, 2].map(() => sut.getArtist(DAFT_PUNK)));
    const invalid = await failureOf(sut.getArtist('nope'));

    expect(upstream.count('/musicbrainz')).toBe(2);
    expect(invalid).toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });
});
