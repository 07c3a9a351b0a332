import { JsonReader } from '../../upstream/json-reader';
import { mapExtras } from './musicbrainz-extras.mapper';

const ED = { id: 'b8a7c51f-362c-4dcb-a259-bc6e0095f0a6', name: 'Ed Sheeran', 'sort-name': 'Sheeran, Ed' };
const BAND = { id: '2a0e7f7a-0000-4000-8000-000000000009', name: 'The Band', 'sort-name': 'Band, The' };

function artistRelation(type: string, attributes: string[], artist = ED, direction = 'backward') {
  return { 'target-type': 'artist', type, direction, attributes, 'attribute-values': {}, ended: false, artist };
}

// Shapes as MusicBrainz answers `/ws/2/recording/<id>?inc=artist-rels+work-rels+work-level-rels+aliases`.
const RECORDING = {
  id: 'cb2cc207-8125-445c-9ef9-6ea44eee959a',
  title: 'Thinking Out Loud',
  aliases: [{ name: 'Thinking Out Loud’', 'sort-name': 'Thinking Out Loud’', primary: null, locale: null }],
  relations: [
    artistRelation('performer', []),
    artistRelation('vocal', ['lead vocals']),
    artistRelation('instrument', ['guitar family', 'additional']),
    {
      'target-type': 'work',
      type: 'performance',
      direction: 'forward',
      work: {
        id: 'dc469dc8-198e-42e5-b5a7-6be2f0a95ac0',
        title: 'Thinking Out Loud',
        relations: [artistRelation('writer', []), { 'target-type': 'url', type: 'wikidata', url: { resource: 'x' } }],
      },
    },
  ],
};

describe('mapExtras', () => {
  it('should read a recording’s own and its work’s artist relations as credits', () => {
    const { credits, aliases } = mapExtras(JsonReader.of(RECORDING), ['credits', 'aliases']);
    expect(credits?.map((c) => [c.role, c.instruments, c.attributes, c.work?.title ?? ''])).toEqual([
      ['writer', [], [], 'Thinking Out Loud'],
      ['performer', [], [], ''],
      ['performer', ['lead vocals'], [], ''],
      ['performer', ['guitar family'], ['additional'], ''],
    ]);
    expect(credits?.[0].artist).toEqual({ id: `musicbrainz:${ED.id}`, name: 'Ed Sheeran', sortName: 'Sheeran, Ed' });
    expect(aliases).toEqual([{ name: 'Thinking Out Loud’', sortName: 'Thinking Out Loud’', primary: false }]);
  });

  it('should group artist relations by who is a member of whom', () => {
    const artist = {
      id: ED.id,
      name: 'Ed Sheeran',
      relations: [
        artistRelation('member of band', [], BAND, 'forward'),
        artistRelation('collaboration', [], BAND, 'forward'),
        artistRelation('is person', [], BAND, 'backward'),
      ],
    };
    const { relations } = mapExtras(JsonReader.of(artist), ['relations']);
    expect(relations?.members).toEqual([]);
    expect(relations?.memberOf.map((r) => r.artist.name)).toEqual(['The Band']);
    expect(relations?.collaborations).toHaveLength(1);
    expect(relations?.other.map((r) => r.type)).toEqual(['is person']);
  });

  it('should answer empty parts when the entity has none of that data', () => {
    expect(mapExtras(JsonReader.of({ id: ED.id }), ['aliases', 'credits', 'genres', 'tags'])).toEqual({
      aliases: [],
      credits: [],
      genres: [],
      tags: [],
    });
  });
});
