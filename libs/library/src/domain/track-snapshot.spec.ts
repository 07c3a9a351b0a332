import fc from 'fast-check';
import type { ArtistCredit } from '@app/providers';
import { artistLine, creditedArtists } from './track-snapshot';

const credit = (id: string, name: string, joinPhrase = ''): ArtistCredit => ({
  artist: { id, name },
  name,
  joinPhrase,
});

describe('track snapshot', () => {
  it('should print a credit as credited, join phrases included', () => {
    expect(artistLine([credit('deezer:1', 'Lady Gaga', ' & '), credit('deezer:2', 'Bruno Mars')])).toBe(
      'Lady Gaga & Bruno Mars',
    );
  });

  it('should list each credited artist with an id once, in credit order', () => {
    const credits = fc.array(
      fc.record({ id: fc.constantFrom('', 'deezer:1', 'deezer:2', 'musicbrainz:x'), name: fc.string() }),
    );
    fc.assert(
      fc.property(credits, (list) => {
        const artists = creditedArtists(list.map((c) => credit(c.id, c.name)));
        const ids = artists.map((a) => a.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).not.toContain('');
        expect(ids).toEqual([...new Set(list.map((c) => c.id).filter(Boolean))]);
      }),
    );
  });
});
