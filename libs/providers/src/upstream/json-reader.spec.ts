import { JsonReader, UnexpectedShapeError } from './json-reader';

describe(JsonReader.name, () => {
  it('should read required and optional fields, tolerating missing, null and mistyped extras', () => {
    const sut = JsonReader.of({ id: 42, name: 'Daft Punk', empty: '', nothing: null, tags: [{ name: 'house' }, 'x'] });

    expect(sut.id('id')).toBe('42');
    expect(sut.str('name')).toBe('Daft Punk');
    expect(sut.optStr('empty')).toBeUndefined();
    expect(sut.optStr('nothing')).toBeUndefined();
    expect(sut.optNum('name')).toBeUndefined();
    expect(sut.optList('missing')).toEqual([]);
    expect(sut.optList('tags')).toHaveLength(1);
  });

  it('should reject a structurally wrong answer naming the path', () => {
    expect(() => JsonReader.of([])).toThrow(UnexpectedShapeError);
    expect(() => JsonReader.of({ a: {} }).obj('a').id('id')).toThrow('$.a.id is missing');
    expect(() => JsonReader.of({ items: 'no' }).list('items')).toThrow('$.items is not an array');
  });
});
