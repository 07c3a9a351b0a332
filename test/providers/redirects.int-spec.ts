import type { TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode } from '@app/core';
import { MusicBrainzAdapter } from '@app/providers';
import { FakeUpstream } from '../fake-upstream';
import { createProvidersModule, failureOf, testSettings } from './providers.harness';

const DAFT_PUNK = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const MOVED = '11111111-2222-4333-8444-555555555555';

describe('provider redirects', () => {
  const upstream = new FakeUpstream();
  let moduleRef: TestingModule;
  let sut: MusicBrainzAdapter;

  beforeAll(async () => {
    await upstream.start();
    moduleRef = await createProvidersModule(testSettings(upstream));
    sut = moduleRef.get(MusicBrainzAdapter);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await upstream.stop();
  });

  beforeEach(() => upstream.reset());

  async function refusalOf(location: string, status = 302): Promise<DomainError> {
    upstream.fault(`/musicbrainz/ws/2/artist/${MOVED}`, { status, location });
    const error = await failureOf(sut.getArtist(MOVED));
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  it("should follow a redirect within the provider's own host", async () => {
    upstream.fault(`/musicbrainz/ws/2/artist/${MOVED}`, {
      status: 301,
      location: `{{upstream}}/musicbrainz/ws/2/artist/${DAFT_PUNK}`,
    });

    const artist = await sut.getArtist(MOVED);

    expect(artist.name).toBe('Daft Punk');
    expect(upstream.requests('/musicbrainz').map((r) => r.path)).toEqual([
      `/musicbrainz/ws/2/artist/${MOVED}`,
      `/musicbrainz/ws/2/artist/${DAFT_PUNK}`,
    ]);
  });

  it('should refuse a redirect to another host with a provider error, not an internal one', async () => {
    const error = await refusalOf('https://elsewhere.example/ws/2/artist');

    expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(error.message).toMatch(/musicbrainz.*redirect to another host \(elsewhere\.example\) refused/);
    expect(upstream.count('/musicbrainz')).toBe(1);
  });

  it('should refuse a redirect to a private or loopback address that is not the configured host', async () => {
    // Same machine, same port, another loopback address: reachable, and still refused.
    const port = new URL(upstream.baseUrl).port;
    const loopback = await refusalOf(`http://127.0.0.2:${port}/musicbrainz/ws/2/artist/${DAFT_PUNK}`, 307);
    const metadata = await refusalOf('http://169.254.169.254/latest/meta-data/');
    const named = await refusalOf('http://localhost/admin');

    for (const error of [loopback, metadata, named]) {
      expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect(error.message).toMatch(/redirect to a private address .* refused/);
    }
    expect(upstream.requests('/musicbrainz').every((r) => r.path.endsWith(MOVED))).toBe(true);
  });

  it('should stop after three redirects', async () => {
    upstream.fault(`/musicbrainz/ws/2/artist/${MOVED}`, {
      status: 302,
      location: `{{upstream}}/musicbrainz/ws/2/artist/${MOVED}`,
    });

    const error = await failureOf(sut.getArtist(MOVED));

    expect(error).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE, message: expect.stringMatching(/redirects/) });
    expect(upstream.count('/musicbrainz')).toBe(4);
  });
});
