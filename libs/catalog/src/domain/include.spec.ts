import { DomainError, ErrorCode } from '@app/core';
import { fetchedParts, parseIncludes, partCombinations } from './include';

describe('parseIncludes', () => {
  it('should read comma lists and repeated values into one ordered, de-duplicated list', () => {
    expect(parseIncludes('artist', ['relations,aliases', 'ALIASES', ' genres '])).toEqual([
      'aliases',
      'relations',
      'genres',
    ]);
    expect(parseIncludes('track', undefined)).toEqual([]);
  });

  it('should refuse a value the entity kind does not have, naming include', () => {
    const refuse = (): unknown => parseIncludes('artist', ['credits']);
    expect(refuse).toThrow(DomainError);
    try {
      refuse();
    } catch (error) {
      expect((error as DomainError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect((error as DomainError).message).toMatch(/^include: /);
    }
    expect(() => parseIncludes('release', ['nope'])).toThrow(/include/);
  });
});

describe('fetchedParts', () => {
  it('should leave out what the base answer already carries', () => {
    expect(fetchedParts('artist', ['aliases', 'relations', 'genres', 'tags'])).toEqual(['aliases', 'relations']);
    expect(fetchedParts('release', ['aliases', 'labels', 'genres'])).toEqual(['aliases', 'genres']);
    expect(fetchedParts('album', ['genres', 'tags'])).toEqual([]);
  });

  it('should list every combination of a kind’s fetched parts once', () => {
    expect(partCombinations('artist')).toEqual([['aliases'], ['relations'], ['aliases', 'relations']]);
    expect(partCombinations('release')).toHaveLength(7);
  });
});
