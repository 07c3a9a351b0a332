import type { TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode } from '@app/core';
import {
  CoverArtArchiveAdapter,
  DeezerAdapter,
  ItunesAdapter,
  LrcLibAdapter,
  MusicBrainzAdapter,
  ProviderStatusService,
} from '@app/providers';
import { FakeUpstream } from '../fake-upstream';
import { createProvidersModule, failureOf, testSettings } from './providers.harness';

const DAFT_PUNK = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const LADY_GAGA = '650e7db6-b795-4eb5-a702-5ea2fc46c848';
const DISCOVERY_RG = '48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const DISCOVERY = '5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70';
const HBFS = '7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('provider adapters against the fake upstream', () => {
  const upstream = new FakeUpstream();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    await upstream.start();
    moduleRef = await createProvidersModule(testSettings(upstream));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await upstream.stop();
  });

  beforeEach(() => upstream.reset());

  describe(MusicBrainzAdapter.name, () => {
    const sut = () => moduleRef.get(MusicBrainzAdapter);

    it('should normalize an artist with tags, genres, life span and url-rels, sending the Chorus User-Agent', async () => {
      const artist = await sut().getArtist(`musicbrainz:${DAFT_PUNK}`);

      expect(artist).toMatchObject({
        id: `musicbrainz:${DAFT_PUNK}`,
        name: 'Daft Punk',
        type: 'Group',
        country: 'FR',
        beginDate: '1993',
        endDate: '2021-02-22',
        externalIds: { musicbrainz: DAFT_PUNK },
      });
      expect(artist.genres).toContainEqual({ name: 'french house', count: 19 });
      expect(artist.urls).toEqual([
        { type: 'official homepage', url: 'https://www.daftpunk.com/' },
        { type: 'discogs', url: 'https://www.discogs.com/artist/1289' },
      ]);
      const [request] = upstream.requests('/musicbrainz/ws/2/artist');
      expect(request.query).toMatchObject({ fmt: 'json', inc: 'aliases genres tags url-rels' });
      expect(request.headers['user-agent']).toMatch(/^Chorus\/\d+\.\d+\.\d+ \( chorus-tests@example\.org \)$/);
    });

    it('should tolerate an artist with only its required fields', async () => {
      const artist = await sut().getArtist(LADY_GAGA);

      expect(artist).toEqual({
        id: `musicbrainz:${LADY_GAGA}`,
        name: 'Lady Gaga',
        genres: [],
        tags: [],
        images: [],
        urls: [],
        externalIds: { musicbrainz: LADY_GAGA },
      });
    });

    it('should normalize a release with media, tracks as recordings, ISRCs, labels and barcode', async () => {
      const release = await sut().getRelease(DISCOVERY);

      expect(release).toMatchObject({
        title: 'Discovery',
        barcode: '724384960650',
        date: '2001-03-12',
        albumId: `musicbrainz:${DISCOVERY_RG}`,
        labels: [{ name: 'Virgin', catalogNumber: '7243 8496062 5' }],
        trackCount: 2,
      });
      expect(release.media[0].tracks[1]).toMatchObject({
        id: `musicbrainz:${HBFS}`,
        title: 'Harder, Better, Faster, Stronger',
        durationMs: 224693,
        isrcs: ['GBDUW0000059'],
        position: 2,
        discNumber: 1,
        artistCredit: [{ name: 'Daft Punk', joinPhrase: '', artist: { id: `musicbrainz:${DAFT_PUNK}` } }],
      });
    });

    it('should normalize an album (release group) with its releases', async () => {
      const album = await sut().getAlbum(DISCOVERY_RG);

      expect(album).toMatchObject({ title: 'Discovery', primaryType: 'Album', firstReleaseDate: '2001-02-26' });
      expect(album.releases.map((r) => r.barcode)).toEqual(['724384960650', '724384960629']);
      expect(album.urls).toEqual([{ type: 'wikidata', url: 'https://www.wikidata.org/wiki/Q733565' }]);
    });

    it('should search with a Lucene query and keep the scores', async () => {
      const page = await sut().searchArtists('Daft Punk', { limit: 2 });

      expect(page.total).toBe(23);
      expect(page.items.map((a) => [a.name, a.score])).toEqual([
        ['Daft Punk', 100],
        ['Daft Punk Tribute Band', 61],
      ]);
      expect(upstream.requests('/musicbrainz/ws/2/artist')[0].query).toMatchObject({ query: 'Daft Punk', limit: '2' });
    });

    it('should find recordings by ISRC with their credits, and releases by barcode', async () => {
      const [track] = await sut().tracksByIsrc('usum72409273');
      const releases = await sut().releasesByBarcode('724384960650');

      expect(track.artistCredit.map((c) => `${c.name}${c.joinPhrase}`).join('')).toBe('Lady Gaga & Bruno Mars');
      expect(track.isrcs).toEqual(['USUM72409273']);
      expect(releases.map((r) => r.id)).toEqual([`musicbrainz:${DISCOVERY}`]);
    });

    it('should map an unknown id to NOT_FOUND and a malformed id to INVALID_ARGUMENT without calling out', async () => {
      const missing = await failureOf(sut().getTrack(UNKNOWN));
      const invalid = await failureOf(sut().getArtist('not-an-mbid'));

      expect(missing).toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringContaining('musicbrainz') });
      expect(invalid).toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
      expect(upstream.count('/musicbrainz')).toBe(1);
    });
  });

  describe(CoverArtArchiveAdapter.name, () => {
    const sut = () => moduleRef.get(CoverArtArchiveAdapter);

    it('should list images with types and thumbnails by size', async () => {
      const art = await sut().releaseImages(DISCOVERY);

      expect(art.releaseId).toBe(`musicbrainz:${DISCOVERY}`);
      expect(art.images).toHaveLength(2);
      expect(art.images[0]).toMatchObject({ types: ['Front'], front: true, back: false });
      expect(art.images[0].thumbnails.map((t) => t.width)).toEqual([250, 500, 1200]);
      expect(art.images[1]).toMatchObject({ types: ['Back', 'Tray'], comment: 'tray' });
    });

    it('should read the older format (small/large thumbnails) of a release group', async () => {
      const art = await sut().albumImages(DISCOVERY_RG);

      expect(
        art.images[0].thumbnails.map((t) => [t.width, t.url.endsWith('-250.jpg') || t.url.endsWith('-500.jpg')]),
      ).toEqual([
        [250, true],
        [500, true],
      ]);
    });

    it('should answer "no art" as an empty list, not an error', async () => {
      await expect(sut().releaseImages(UNKNOWN)).resolves.toEqual({ images: [] });
    });
  });

  describe(LrcLibAdapter.name, () => {
    const sut = () => moduleRef.get(LrcLibAdapter);

    it('should get plain and synced lyrics by signature', async () => {
      const lyrics = await sut().getLyrics({
        artist: 'Daft Punk',
        track: 'Harder, Better, Faster, Stronger',
        durationMs: 224_693,
      });

      expect(lyrics).toMatchObject({
        id: 'lrclib:10101',
        durationMs: 224_000,
        instrumental: false,
        albumName: 'Discovery',
      });
      expect(lyrics.syncedLyrics).toMatch(/^\[00:00\.50\] Work it/);
      expect(upstream.requests('/lrclib/api/get')[0].query).toMatchObject({ duration: '225' });
    });

    it('should flag instrumentals and tolerate null lyrics', async () => {
      const lyrics = await sut().getLyrics({ artist: 'Daft Punk', track: 'Aerodynamic' });

      expect(lyrics.instrumental).toBe(true);
      expect(lyrics.plainLyrics).toBeUndefined();
      expect(lyrics.syncedLyrics).toBeUndefined();
    });

    it('should search, and answer NOT_FOUND for unknown lyrics', async () => {
      const results = await sut().searchLyrics({ q: 'Harder Better Faster Stronger' });
      const missing = await failureOf(sut().getLyrics({ artist: 'Nobody', track: 'Nothing' }));

      expect(results.map((r) => r.id)).toEqual(['lrclib:10101', 'lrclib:10103']);
      expect(results[1].albumName).toBeUndefined();
      expect(missing).toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe(DeezerAdapter.name, () => {
    const sut = () => moduleRef.get(DeezerAdapter);

    it('should normalize a track with ISRC, preview, contributors and album cover sizes', async () => {
      const track = await sut().getTrack('deezer:3135556');

      expect(track).toMatchObject({
        id: 'deezer:3135556',
        durationMs: 224_000,
        isrcs: ['GBDUW0000059'],
        position: 4,
        albumId: 'deezer:302127',
        previewUrl: expect.stringMatching(/^https:\/\/cdnt-preview\.dzcdn\.net\//),
        urls: [{ type: 'deezer', url: 'https://www.deezer.com/track/3135556' }],
      });
      expect(track.images[0]).toMatchObject({ width: 1000 });
      expect(track.images[0].thumbnails.map((t) => t.width)).toEqual([500, 250, 56]);
    });

    it('should find a track by ISRC and an album by UPC, with its release and tracks', async () => {
      const track = await sut().trackByIsrc('USUM72409273');
      const album = await sut().albumByUpc('724384960650');

      expect(track.artistCredit.map((c) => `${c.name}${c.joinPhrase}`).join('')).toBe('Lady Gaga & Bruno Mars');
      expect(album).toMatchObject({
        title: 'Discovery',
        primaryType: 'album',
        externalIds: { barcode: '724384960650' },
      });
      expect(album.genres.map((g) => g.name)).toEqual(['Dance', 'Electro']);
      expect(album.releases[0]).toMatchObject({ labels: [{ name: 'Parlophone (France)' }], trackCount: 2 });
      expect(album.releases[0].media[0].tracks.map((t) => t.position)).toEqual([1, 2]);
      expect(upstream.requests('/deezer')[0].path).toBe('/deezer/track/isrc:USUM72409273');
    });

    it('should tolerate a track with only its required fields', async () => {
      const track = await sut().getTrack('99999');

      expect(track).toMatchObject({ id: 'deezer:99999', title: 'Untitled Demo', isrcs: [], images: [], urls: [] });
      expect(track.previewUrl).toBeUndefined();
      expect(track.durationMs).toBeUndefined();
      expect(track.artistCredit).toEqual([
        { artist: { id: 'deezer:27', name: 'Daft Punk' }, name: 'Daft Punk', joinPhrase: '' },
      ]);
    });

    it('should treat an error inside a 200 answer as an error (800 no data → NOT_FOUND)', async () => {
      const error = await failureOf(sut().getAlbum('123456789'));

      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringContaining('deezer') });
      expect(
        moduleRef
          .get(ProviderStatusService)
          .report()
          .providers.find((p) => p.name === 'deezer')?.lastError,
      ).toBeUndefined();
    });

    it('should search with index and limit', async () => {
      const page = await sut().searchTracks('Daft Punk', { limit: 10, offset: 0 });

      expect(page).toMatchObject({ total: 2, offset: 0 });
      expect(page.items.map((t) => t.title)).toEqual(['One More Time', 'Harder, Better, Faster, Stronger']);
    });
  });

  describe(ItunesAdapter.name, () => {
    const sut = () => moduleRef.get(ItunesAdapter);

    it('should look up an album with its songs, previews and large artwork', async () => {
      const album = await sut().getAlbum('697194953');

      expect(album).toMatchObject({ id: 'itunes:697194953', title: 'Discovery', firstReleaseDate: '2001-03-07' });
      expect(album.images[0].url).toMatch(/600x600bb\.jpg$/);
      const tracks = album.releases[0].media[0].tracks;
      expect(tracks.map((t) => [t.title, t.position, t.durationMs])).toEqual([
        ['One More Time', 1, 320357],
        ['Harder, Better, Faster, Stronger', 4, 224693],
      ]);
      expect(tracks[1].previewUrl).toMatch(/\.m4a$/);
    });

    it('should look up by UPC and keep the barcode', async () => {
      const album = await sut().albumByUpc('724384960650');

      expect(album.externalIds).toEqual({ itunes: '697194953', barcode: '724384960650' });
    });

    it('should tolerate a song with only its required fields, and answer NOT_FOUND for an unknown id', async () => {
      const track = await sut().getTrack('1000000001');
      const missing = await failureOf(sut().getTrack('42'));

      expect(track).toMatchObject({ id: 'itunes:1000000001', title: 'Untitled Demo', images: [], urls: [] });
      expect(track.previewUrl).toBeUndefined();
      expect(missing).toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringContaining('itunes') });
    });

    it('should search songs', async () => {
      const page = await sut().searchTracks('Daft Punk', { limit: 5 });

      expect(page.items.map((t) => t.id)).toEqual(['itunes:697195462', 'itunes:697195787']);
      expect(upstream.requests('/itunes/search')[0].query).toMatchObject({
        term: 'Daft Punk',
        entity: 'song',
        limit: '5',
      });
    });
  });
});
