import type { Artist, SearchPage } from '@app/providers';
import type { CrossRefRepository, KeptReference } from '../persistence/cross-ref.repository';
import { EntityMatchService } from './entity-match.service';
import type { ProviderGateway, SearchItem } from './provider.gateway';

const NIRVANA_UK = 'musicbrainz:9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6';
const NIRVANA_US = 'musicbrainz:5b11f4ce-a62d-471e-81fc-a69a8278c7da';

function artist(id: string, name: string, urls: Artist['urls'] = []): Artist {
  return { id, name, genres: [], tags: [], images: [], urls, externalIds: {} };
}

/** The catalog's cross-references as the matcher reads them: claims by URL relation, shared codes per pair. */
class FakeCrossRefs {
  claims = new Map<string, string[]>();
  shared = new Map<string, string[]>();

  cluster(): Promise<KeptReference[]> {
    return Promise.resolve([]);
  }

  claimants(_kind: string, id: string): Promise<string[]> {
    return Promise.resolve(this.claims.get(id) ?? []);
  }

  sharedCodes(a: string, b: string): Promise<string[]> {
    return Promise.resolve(this.shared.get(`${a}|${b}`) ?? []);
  }
}

describe(EntityMatchService.name, () => {
  let crossRefs: FakeCrossRefs;
  let searches: number;
  let sut: EntityMatchService;

  beforeEach(() => {
    crossRefs = new FakeCrossRefs();
    searches = 0;
    const page: SearchPage<SearchItem> = { items: [artist('deezer:415', 'Nirvana')], total: 1, offset: 0 };
    const providers = {
      search: () => {
        searches += 1;
        return Promise.resolve(page);
      },
    } as unknown as ProviderGateway;
    sut = new EntityMatchService(providers, crossRefs as unknown as CrossRefRepository);
  });

  it('should link by URL relation without asking the platform', async () => {
    const us = artist(NIRVANA_US, 'Nirvana', [{ type: 'free streaming', url: 'https://www.deezer.com/artist/415' }]);
    const answer = await sut.match({ kind: 'artist', entity: us }, 'deezer');
    expect(answer.reference).toMatchObject({ id: 'deezer:415', matchedBy: 'url-rel', confidence: 1 });
    expect(searches).toBe(0);
  });

  it('should not link a same-named artist on its name alone', async () => {
    const answer = await sut.match({ kind: 'artist', entity: artist(NIRVANA_UK, 'Nirvana') }, 'deezer');
    expect(answer).toEqual({});
    expect(searches).toBe(1);
  });

  it('should link a same-named artist that shares a code, with confidence and evidence', async () => {
    crossRefs.shared.set(`${NIRVANA_UK}|deezer:415`, ['ISRC GBAYE6800123']);
    const answer = await sut.match({ kind: 'artist', entity: artist(NIRVANA_UK, 'Nirvana') }, 'deezer');
    expect(answer.reference).toEqual({
      platform: 'deezer',
      id: 'deezer:415',
      url: 'https://www.deezer.com/artist/415',
      matchedBy: 'name',
      confidence: 0.9,
      evidence: ['same name "Nirvana"', 'shared ISRC GBAYE6800123'],
    });
  });

  it("should not take another entity's URL-related artist, whatever codes they share", async () => {
    crossRefs.shared.set(`${NIRVANA_UK}|deezer:415`, ['ISRC GBAYE6800123']);
    crossRefs.claims.set('deezer:415', [NIRVANA_US]);
    const answer = await sut.match({ kind: 'artist', entity: artist(NIRVANA_UK, 'Nirvana') }, 'deezer');
    expect(answer).toEqual({});
  });
});
