import type { TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode } from '@app/core';
import { DeezerAdapter, ItunesAdapter, LrcLibAdapter, MusicBrainzAdapter, ProviderStatusService } from '@app/providers';
import { FakeUpstream } from '../fake-upstream';
import { eventually } from '../support/eventually';
import { createProvidersModule, failureOf, testSettings } from './providers.harness';

const DAFT_PUNK = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const HBFS_LYRICS = { artist: 'Daft Punk', track: 'Harder, Better, Faster, Stronger' };

function expectMapped(error: unknown, code: ErrorCode, provider: string): void {
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code, message: expect.stringContaining(provider) });
  expect((error as DomainError).code).not.toBe(ErrorCode.INTERNAL);
}

describe('provider HTTP client resilience', () => {
  const upstream = new FakeUpstream();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    await upstream.start();
    const env = testSettings(upstream);
    moduleRef = await createProvidersModule({ ...env, PROVIDER_TIMEOUTS_MS: `${env.PROVIDER_TIMEOUTS_MS},lrclib=300` });
  });

  afterAll(async () => {
    await moduleRef?.close();
    await upstream.stop();
  });

  beforeEach(() => upstream.reset());

  describe('retries', () => {
    it('should wait for the Retry-After of a 503 before retrying, then succeed', async () => {
      upstream.fault('/deezer/track', { status: 503, retryAfter: 1, times: 1 });

      const track = await moduleRef.get(DeezerAdapter).getTrack('3135556');

      const [first, second] = upstream.requests('/deezer/track');
      expect(track.id).toBe('deezer:3135556');
      expect(upstream.count('/deezer')).toBe(2);
      expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    });

    it('should not wait for a Retry-After beyond the maximum delay, and pass it on', async () => {
      upstream.fault('/deezer/track', { status: 429, retryAfter: 30 });

      const error = await failureOf(moduleRef.get(DeezerAdapter).getTrack('3135556'));

      expectMapped(error, ErrorCode.UPSTREAM_UNAVAILABLE, 'deezer');
      expect(error).toMatchObject({ retryAfterSeconds: 30 });
      expect(upstream.count('/deezer')).toBe(1);
    });

    it('should retry a reset connection', async () => {
      upstream.fault('/musicbrainz/ws/2/artist', { reset: true, times: 1 });

      await expect(moduleRef.get(MusicBrainzAdapter).getArtist(DAFT_PUNK)).resolves.toMatchObject({
        name: 'Daft Punk',
      });
      expect(upstream.count('/musicbrainz')).toBe(2);
    });

    it.each([
      [400, ErrorCode.INVALID_ARGUMENT],
      [403, ErrorCode.UPSTREAM_UNAVAILABLE],
      [500, ErrorCode.UPSTREAM_UNAVAILABLE],
    ])('should not retry HTTP %i and answer %s', async (status, code) => {
      upstream.fault('/musicbrainz', { status });

      const error = await failureOf(moduleRef.get(MusicBrainzAdapter).getArtist(DAFT_PUNK));

      expectMapped(error, code, 'musicbrainz');
      expect(upstream.count('/musicbrainz')).toBe(1);
    });

    it('should retry 502/503/504 up to the configured attempts', async () => {
      upstream.fault('/musicbrainz', { status: 502 });

      const error = await failureOf(moduleRef.get(MusicBrainzAdapter).getArtist(DAFT_PUNK));

      expectMapped(error, ErrorCode.UPSTREAM_UNAVAILABLE, 'musicbrainz');
      expect(upstream.count('/musicbrainz')).toBe(3);
    });
  });

  describe('broken answers', () => {
    it('should map a timeout to UPSTREAM_TIMEOUT', async () => {
      upstream.fault('/lrclib', { latencyMs: 800 });

      expectMapped(
        await failureOf(moduleRef.get(LrcLibAdapter).getLyrics(HBFS_LYRICS)),
        ErrorCode.UPSTREAM_TIMEOUT,
        'lrclib',
      );
    });

    it.each([
      ['malformed JSON', { malformed: true }],
      ['an oversized body', { oversizedBytes: 200_000 }],
      ['a truncated body', { truncated: true }],
    ])('should map %s to UPSTREAM_UNAVAILABLE and keep serving', async (_name, fault) => {
      upstream.fault('/lrclib', fault);

      expectMapped(
        await failureOf(moduleRef.get(LrcLibAdapter).getLyrics(HBFS_LYRICS)),
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'lrclib',
      );
      upstream.clearFaults();
      await expect(moduleRef.get(LrcLibAdapter).getLyrics(HBFS_LYRICS)).resolves.toMatchObject({ id: 'lrclib:10101' });
    });

    it('should map a structurally wrong answer to UPSTREAM_UNAVAILABLE', async () => {
      upstream.fault('/itunes', { status: 200 });

      const error = await failureOf(moduleRef.get(ItunesAdapter).getTrack('697195787'));

      expectMapped(error, ErrorCode.UPSTREAM_UNAVAILABLE, 'itunes');
    });

    it('should report the last error, last success and latency in the status', async () => {
      upstream.fault('/lrclib', { status: 500, times: 1 });
      await failureOf(moduleRef.get(LrcLibAdapter).getLyrics(HBFS_LYRICS));
      await moduleRef.get(LrcLibAdapter).getLyrics(HBFS_LYRICS);

      const { providers } = moduleRef.get(ProviderStatusService).report();

      expect(providers.map((p) => p.name)).toEqual([
        'musicbrainz',
        'coverartarchive',
        'lrclib',
        'deezer',
        'itunes',
        'spotify',
        'genius',
        'wikidata',
      ]);
      const lrclib = providers.find((p) => p.name === 'lrclib');
      expect(lrclib).toMatchObject({
        enabled: true,
        breakerState: 'closed',
        rateLimit: { requests: 1000, windowSeconds: 1, shared: false },
        lastError: expect.stringContaining('lrclib'),
        lastErrorAt: expect.any(String),
        lastSuccessAt: expect.any(String),
      });
      expect(lrclib?.latency.samples).toBeGreaterThan(0);
      expect(lrclib?.latency.p99Ms).toBeGreaterThanOrEqual(lrclib?.latency.p50Ms ?? 0);
      expect(providers.find((p) => p.name === 'spotify')?.enabled).toBe(false);
    });
  });
});

describe('provider circuit breaker', () => {
  const upstream = new FakeUpstream();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    await upstream.start();
    moduleRef = await createProvidersModule({
      ...testSettings(upstream),
      PROVIDER_BREAKER_FAILURES: '3',
      PROVIDER_BREAKER_HALF_OPEN_AFTER_MS: '300',
      PROVIDER_RETRY_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    await moduleRef?.close();
    await upstream.stop();
  });

  it('should open after the configured failures, fail fast while open, and close after a successful probe', async () => {
    const sut = moduleRef.get(ItunesAdapter);
    const status = () =>
      moduleRef
        .get(ProviderStatusService)
        .report()
        .providers.find((p) => p.name === 'itunes');
    upstream.fault('/itunes', { status: 500 });

    for (let i = 0; i < 3; i += 1) {
      expectMapped(await failureOf(sut.getTrack('697195787')), ErrorCode.UPSTREAM_UNAVAILABLE, 'itunes');
    }
    const fastFailure = await failureOf(sut.getTrack('697195787'));

    expect(upstream.count('/itunes')).toBe(3);
    expectMapped(fastFailure, ErrorCode.UPSTREAM_UNAVAILABLE, 'itunes');
    expect((fastFailure as DomainError).message).toContain('circuit open');
    expect((fastFailure as DomainError).message).toContain('(last: answered HTTP 500)');
    expect(status()?.lastError).toContain('(last: answered HTTP 500)');
    expect((fastFailure as DomainError).retryAfterSeconds).toBe(1);
    expect(status()?.breakerState).toBe('open');
    await expect(moduleRef.get(DeezerAdapter).getTrack('3135556')).resolves.toMatchObject({ id: 'deezer:3135556' });

    upstream.clearFaults();
    // While open the breaker fails fast without a request; the first call after its half-open delay is the probe.
    let probed: unknown;
    await eventually(async () => {
      probed = await sut.getTrack('697195787').catch(() => undefined);
      return probed !== undefined;
    }, 'breaker probe');
    expect(probed).toMatchObject({ id: 'itunes:697195787' });

    expect(status()?.breakerState).toBe('closed');
    expect(upstream.count('/itunes')).toBe(4);
  });
});
