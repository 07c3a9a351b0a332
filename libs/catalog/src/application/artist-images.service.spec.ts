import { DomainError, ErrorCode } from '@app/core';
import type { Artist, ExternalIds, Image } from '@app/providers';
import { ArtistImagesService } from './artist-images.service';
import type { ProviderGateway } from './provider.gateway';

const picture = (url: string): Image => ({ url, types: ['picture'], thumbnails: [] });
const down = () => new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'down');

type Answer = Image[] | DomainError;

/** A gateway whose Deezer, Spotify and Wikidata answer what each test says, counting the calls. */
function gateway(answers: { deezer?: Answer; spotify?: Answer; wikidata?: Answer }, calls: string[]) {
  const answer = (name: keyof typeof answers): Promise<Image[]> => {
    calls.push(name);
    const value = answers[name] ?? [];
    return value instanceof DomainError ? Promise.reject(value) : Promise.resolve(value);
  };
  return {
    isEnabled: () => true,
    deezer: { getArtist: async () => ({ images: await answer('deezer') }) },
    spotify: { getArtist: async () => ({ images: await answer('spotify') }) },
    wikidata: { itemImages: () => answer('wikidata') },
  } as unknown as ProviderGateway;
}

function artist(externalIds: ExternalIds, id = 'musicbrainz:a74b1b7f-71a5-4011-9441-d0b5e4122711'): Artist {
  return { id, name: 'Radiohead', genres: [], tags: [], images: [], urls: [], externalIds };
}

const ALL_LINKED: ExternalIds = { deezer: '399', spotify: '4Z8W4fKeB5YxbusRsdQVPb', wikidata: 'Q44191' };

describe(ArtistImagesService.name, () => {
  it("should take the first linked platform's pictures, in order Deezer, Spotify, Wikidata, asking no further", async () => {
    const calls: string[] = [];
    const sut = new ArtistImagesService(gateway({ deezer: [picture('dz')], wikidata: [picture('wd')] }, calls));
    const { artist: pictured, complete } = await sut.withImages(artist(ALL_LINKED));
    expect(pictured.images.map((i) => i.url)).toEqual(['dz']);
    expect(complete).toBe(true);
    expect(calls).toEqual(['deezer']);
  });

  it('should fall through to Wikidata when the linked platforms have no pictures or do not know the artist', async () => {
    const calls: string[] = [];
    const notFound = DomainError.notFound('gone');
    const sut = new ArtistImagesService(gateway({ deezer: notFound, spotify: [], wikidata: [picture('wd')] }, calls));
    const result = await sut.withImages(artist(ALL_LINKED));
    expect(result.artist.images.map((i) => i.url)).toEqual(['wd']);
    expect(result.complete).toBe(true);
    expect(calls).toEqual(['deezer', 'spotify', 'wikidata']);
  });

  it("should answer a later platform's pictures but mark the answer incomplete when an earlier one failed", async () => {
    const sut = new ArtistImagesService(gateway({ deezer: down(), wikidata: [picture('wd')] }, []));
    const result = await sut.withImages(artist({ deezer: '399', wikidata: 'Q44191' }));
    expect(result.artist.images.map((i) => i.url)).toEqual(['wd']);
    expect(result.complete).toBe(false);
  });

  it('should answer no pictures, incomplete, when Wikidata is down, and complete when nothing is linked', async () => {
    const sut = new ArtistImagesService(gateway({ wikidata: down() }, []));
    expect(await sut.withImages(artist({ wikidata: 'Q44191' }))).toMatchObject({ complete: false });
    const calls: string[] = [];
    const none = await new ArtistImagesService(gateway({}, calls)).withImages(artist({}));
    expect(none).toMatchObject({ complete: true, artist: { images: [] } });
    expect(calls).toEqual([]);
  });

  it("should leave alone an artist that has pictures or is not MusicBrainz's", async () => {
    const calls: string[] = [];
    const sut = new ArtistImagesService(gateway({ wikidata: [picture('wd')] }, calls));
    await sut.withImages({ ...artist({ wikidata: 'Q1' }), images: [picture('own')] });
    await sut.withImages(artist({ wikidata: 'Q1' }, 'deezer:399'));
    expect(calls).toEqual([]);
  });
});
