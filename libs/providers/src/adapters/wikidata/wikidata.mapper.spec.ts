import { UnexpectedShapeError } from '../../upstream/json-reader';
import { commonsFileUrl, commonsImages, imageFileOf } from './wikidata.mapper';

type Rank = 'preferred' | 'normal' | 'deprecated';

/** A P18 statement as Special:EntityData writes it. */
function image(file: string, rank: Rank = 'normal', snaktype = 'value') {
  return {
    mainsnak: {
      snaktype,
      property: 'P18',
      hash: 'af765166ecaa7d01ea800812b5b356886b8849a0',
      ...(snaktype === 'value' ? { datavalue: { value: file, type: 'string' } } : {}),
      datatype: 'commonsMedia',
    },
    type: 'statement',
    id: 'Q1$5291801E-11BE-4CE7-8F42-D0D6A120F390',
    rank,
  };
}

const entityData = (id: string, claims: Record<string, unknown>) => ({
  entities: { [id]: { type: 'item', id, labels: {}, claims } },
});

describe('wikidata mapper', () => {
  it("should take the item's image file from its P18 statement", () => {
    expect(imageFileOf(entityData('Q44191', { P18: [image('Radiohead 2016.jpg')] }), 'Q44191')).toBe(
      'Radiohead 2016.jpg',
    );
  });

  it('should prefer a preferred statement and never take a deprecated one', () => {
    const claims = { P18: [image('old.jpg', 'deprecated'), image('normal.jpg'), image('best.jpg', 'preferred')] };
    expect(imageFileOf(entityData('Q1', claims), 'Q1')).toBe('best.jpg');
    expect(imageFileOf(entityData('Q1', { P18: [image('old.jpg', 'deprecated')] }), 'Q1')).toBeUndefined();
  });

  it('should answer no file for an item without P18 or with only an unknown value', () => {
    expect(imageFileOf(entityData('Q1', { P31: [] }), 'Q1')).toBeUndefined();
    expect(imageFileOf(entityData('Q1', { P18: [image('', 'normal', 'somevalue')] }), 'Q1')).toBeUndefined();
    expect(imageFileOf({ entities: { Q1: { id: 'Q1' } } }, 'Q1')).toBeUndefined();
  });

  it('should read a merged item, answered under the id it redirects to', () => {
    expect(imageFileOf(entityData('Q2', { P18: [image('merged.jpg')] }), 'Q1')).toBe('merged.jpg');
  });

  it('should refuse an answer without the entity as an unexpected shape', () => {
    expect(() => imageFileOf({ error: 'x' }, 'Q1')).toThrow(UnexpectedShapeError);
    expect(() => imageFileOf({ entities: { Q2: {}, Q3: {} } }, 'Q1')).toThrow(UnexpectedShapeError);
  });

  it('should build Commons FilePath URLs with underscores and escapes, largest first, smaller as thumbnails', () => {
    expect(commonsFileUrl('https://commons.wikimedia.org', 'Björk & friends (2011).jpg', 500)).toBe(
      'https://commons.wikimedia.org/wiki/Special:FilePath/Bj%C3%B6rk_%26_friends_(2011).jpg?width=500',
    );
    const [picture] = commonsImages('https://commons.wikimedia.org', 'A/B?.jpg');
    expect(picture).toMatchObject({ width: 1200, types: ['picture'] });
    expect(picture.url).toBe('https://commons.wikimedia.org/wiki/Special:FilePath/A%2FB%3F.jpg?width=1200');
    expect(picture.thumbnails.map((t) => t.width)).toEqual([500, 250]);
  });
});
