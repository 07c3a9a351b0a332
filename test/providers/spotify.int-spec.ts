import type { TestingModule } from '@nestjs/testing';
import { ErrorCode } from '@app/core';
import { ProviderStatusService, SpotifyAdapter } from '@app/providers';
import { FakeUpstream } from '../fake-upstream';
import { createProvidersModule, failureOf, testSettings } from './providers.harness';

const HBFS = '5W3cjX2J3tjhG8zb6u0qHn';
const DISCOVERY = '2noRn2Aes5aoNVsU6iWThc';
const DAFT_PUNK = '4tZwfgrHOc3mvqYlEYSvVi';

describe(SpotifyAdapter.name, () => {
  const upstream = new FakeUpstream();

  beforeAll(async () => {
    await upstream.start();
  });

  afterAll(async () => {
    await upstream.stop();
  });

  beforeEach(() => upstream.reset());

  describe('without credentials', () => {
    let moduleRef: TestingModule;

    beforeAll(async () => {
      moduleRef = await createProvidersModule(testSettings(upstream));
    });

    afterAll(async () => {
      await moduleRef?.close();
    });

    it('should be shown as disabled and answer UPSTREAM_UNAVAILABLE without calling Spotify', async () => {
      const error = await failureOf(moduleRef.get(SpotifyAdapter).getTrack(HBFS));

      expect(error).toMatchObject({
        code: ErrorCode.UPSTREAM_UNAVAILABLE,
        message: expect.stringContaining('spotify'),
      });
      expect(upstream.count('/spotify')).toBe(0);
      const status = moduleRef
        .get(ProviderStatusService)
        .report()
        .providers.find((p) => p.name === 'spotify');
      expect(status).toMatchObject({ enabled: false });
    });
  });

  describe('with client credentials', () => {
    let moduleRef: TestingModule;
    const sut = () => moduleRef.get(SpotifyAdapter);

    beforeAll(async () => {
      moduleRef = await createProvidersModule({
        ...testSettings(upstream),
        SPOTIFY_CLIENT_ID: 'chorus-id',
        SPOTIFY_CLIENT_SECRET: 'chorus-secret',
      });
    });

    afterAll(async () => {
      await moduleRef?.close();
    });

    it('should fetch the token once and reuse it for concurrent and later calls', async () => {
      const [track, album, artist] = await Promise.all([
        sut().getTrack(HBFS),
        sut().getAlbum(DISCOVERY),
        sut().getArtist(`spotify:${DAFT_PUNK}`),
      ]);
      const [byIsrc] = await sut().tracksByIsrc('GBDUW0000059');

      const tokenRequests = upstream.requests('/spotify/api/token');
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0]).toMatchObject({ method: 'POST' });
      expect(tokenRequests[0].headers.authorization).toBe(
        `Basic ${Buffer.from('chorus-id:chorus-secret').toString('base64')}`,
      );
      expect(
        upstream.requests('/spotify/v1').every((r) => r.headers.authorization === 'Bearer fake-spotify-token-1'),
      ).toBe(true);
      expect(track).toMatchObject({
        id: `spotify:${HBFS}`,
        durationMs: 224693,
        isrcs: ['GBDUW0000059'],
        albumId: `spotify:${DISCOVERY}`,
      });
      expect(track.previewUrl).toBeUndefined();
      expect(track.images[0]).toMatchObject({ width: 640 });
      expect(album.externalIds).toEqual({ spotify: DISCOVERY, barcode: '724384960650' });
      expect(album.releases[0].media[0].tracks.map((t) => t.title)).toEqual([
        'One More Time',
        'Harder, Better, Faster, Stronger',
      ]);
      expect(artist.genres.map((g) => g.name)).toContain('french house');
      expect(byIsrc.id).toBe(`spotify:${HBFS}`);
      expect(upstream.requests('/spotify/v1/search')[0].query).toMatchObject({ q: 'isrc:GBDUW0000059', type: 'track' });
    });

    it('should renew a token the API rejects, once', async () => {
      upstream.fault('/spotify/v1/tracks', { status: 401, times: 1 });

      await expect(sut().getTrack(HBFS)).resolves.toMatchObject({ id: `spotify:${HBFS}` });

      expect(upstream.count('/spotify/api/token')).toBe(1);
      expect(upstream.count('/spotify/v1/tracks')).toBe(2);
    });

    it('should answer NOT_FOUND for an unknown id', async () => {
      const error = await failureOf(sut().getTrack('0000000000000000000000'));

      expect(error).toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringContaining('spotify') });
    });
  });
});
