import type { TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode } from '@app/core';
import { GeniusAdapter } from '@app/providers';
import { FAKE_GENIUS_TOKEN, FakeUpstream } from '../fake-upstream';
import { createProvidersModule, failureOf, testSettings } from './providers.harness';

const WRONG_TOKEN = 'a-token-genius-does-not-know';

describe(GeniusAdapter.name, () => {
  const upstream = new FakeUpstream();
  const modules: TestingModule[] = [];
  const adapterWith = async (token: string): Promise<GeniusAdapter> => {
    const moduleRef = await createProvidersModule({ ...testSettings(upstream), GENIUS_ACCESS_TOKEN: token });
    modules.push(moduleRef);
    return moduleRef.get(GeniusAdapter);
  };

  beforeAll(() => upstream.start());

  afterAll(async () => {
    await Promise.all(modules.map((moduleRef) => moduleRef.close()));
    await upstream.stop();
  });

  beforeEach(() => upstream.reset());

  it('should search, read a song and its annotations as plain text, with the bearer token and the Chorus User-Agent', async () => {
    const sut = await adapterWith(FAKE_GENIUS_TOKEN);
    const hits = await sut.searchSongs('Daft Punk Harder, Better, Faster, Stronger');
    expect(hits.map((hit) => [hit.id, hit.artistName])).toEqual([
      ['genius:2351980', 'The Piano Guys'],
      ['genius:1522', 'Kanye West'],
      ['genius:3517', 'Daft Punk'],
    ]);
    const song = await sut.getSong('genius:3517');
    expect(song).toMatchObject({
      id: 'genius:3517',
      title: 'Harder, Better, Faster, Stronger',
      url: 'https://genius.com/Daft-punk-harder-better-faster-stronger-lyrics',
      releaseDate: '2001-10-13',
      releaseDateForDisplay: 'October 13, 2001',
    });
    expect(song.description).toMatch(/^“Harder, Better, Faster, Stronger” is the fourth single/);
    const annotations = await sut.songAnnotations('3517');
    expect(annotations.map((a) => [a.id, a.votes])).toEqual([
      ['genius:90123', 57],
      ['genius:90124', 12],
    ]);
    for (const call of upstream.requests('/genius')) {
      expect(call.headers.authorization).toBe(`Bearer ${FAKE_GENIUS_TOKEN}`);
      expect(call.headers['user-agent']).toMatch(/^Chorus\/\S+ \( chorus-tests@example\.org \)$/);
    }
  });

  it('should read Genius\'s "?" as no description', async () => {
    const sut = await adapterWith(FAKE_GENIUS_TOKEN);
    expect((await sut.getSong('4218')).description).toBeUndefined();
  });

  it('should answer NOT_FOUND for a song id Genius does not know, as its 404 { meta } says', async () => {
    const sut = await adapterWith(FAKE_GENIUS_TOKEN);
    const error = await failureOf(sut.getSong('999999999'));
    expect((error as DomainError).code).toBe(ErrorCode.NOT_FOUND);
    expect(upstream.count('/genius/songs')).toBe(1);
  });

  it('should ask the first page of referents, which the fake pages by per_page and page as Genius does', async () => {
    const sut = await adapterWith(FAKE_GENIUS_TOKEN);
    await sut.songAnnotations('3517');
    expect(upstream.requests('/genius/referents')[0]?.query).toMatchObject({ per_page: '50' });
    const page = async (query: string) => {
      const answer = await fetch(`${upstream.url('genius')}/referents?song_id=3517&${query}`, {
        headers: { authorization: `Bearer ${FAKE_GENIUS_TOKEN}` },
      });
      const body = (await answer.json()) as { response: { referents: Array<{ id: number }> } };
      return body.response.referents.map((referent) => referent.id);
    };
    expect(await page('per_page=1&page=1')).toEqual([1590]);
    expect(await page('per_page=1&page=2')).toEqual([1591]);
    expect(await page('per_page=1&page=3')).toEqual([]);
  });

  it('should answer UPSTREAM_UNAVAILABLE naming the setting, never the token, when Genius rejects it', async () => {
    const sut = await adapterWith(WRONG_TOKEN);
    const error = await failureOf(sut.getSong('3517'));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect((error as DomainError).message).toMatch(/GENIUS_ACCESS_TOKEN/);
    expect((error as DomainError).message).not.toContain(WRONG_TOKEN);
  });

  it('should be disabled without a token, asking nothing', async () => {
    const sut = await adapterWith('');
    expect(sut.enabled).toBe(false);
    const error = await failureOf(sut.searchSongs('Daft Punk Voyager'));
    expect((error as DomainError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(upstream.count('/genius')).toBe(0);
  });

  it("should refuse a song id that is not Genius's numeric id before asking", async () => {
    const sut = await adapterWith(FAKE_GENIUS_TOKEN);
    const error = await failureOf(sut.songAnnotations('3517/../../search'));
    expect((error as DomainError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(upstream.count('/genius')).toBe(0);
  });
});
