import { DomainError, ErrorCode } from '@app/core';
import { Gtin } from './gtin';

describe(Gtin.name, () => {
  it('should give the 12-, 13- and 14-digit spellings of one code the same key', () => {
    const keys = ['724384960650', '0724384960650', '00724384960650'].map((code) => Gtin.parse(code).key);
    expect(new Set(keys)).toEqual(new Set(['00724384960650']));
  });

  it('should list the spellings a provider may store, UPC-A first', () => {
    expect(Gtin.parse('0724384960650').forms()).toEqual(['724384960650', '0724384960650', '00724384960650']);
  });

  it('should list only EAN-13 and GTIN-14 for a code with no UPC-A form', () => {
    expect(Gtin.parse('5099902894225').forms()).toEqual(['5099902894225', '05099902894225']);
  });

  it('should refuse a wrong check digit naming the barcode field', () => {
    const error = (() => {
      try {
        Gtin.parse('724384960651');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((error as DomainError).message).toMatch(/barcode/);
  });

  it('should refuse a length that is no GTIN', () => {
    expect(() => Gtin.parse('12345')).toThrow(DomainError);
  });

  it('should match a provider spelling of the same code only', () => {
    const sut = Gtin.parse('724384960650');
    expect(sut.matches('0724384960650')).toBe(true);
    expect(sut.matches('5099902894225')).toBe(false);
    expect(sut.matches(undefined)).toBe(false);
  });
});
