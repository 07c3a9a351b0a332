import { badText, fieldWithBadText } from './input.decorator';

describe('badText', () => {
  it('should accept any well-formed text, astral characters and combining marks included', () => {
    for (const text of ['', 'daft punk', '🎵 Ünïcödé', 'e\u0301', '\ufffd', '\ud83c\udfb5']) {
      expect([text, badText(text)]).toEqual([text, undefined]);
    }
  });

  it('should name NUL and lone surrogates, which validators and PostgreSQL cannot take', () => {
    expect(badText('a\u0000b')).toContain('NUL');
    for (const text of ['\ud800', 'a\udfffb', '\udfff\ud800', `x${'\ud83c'}`]) {
      expect([text, badText(text)]).toEqual([text, expect.stringContaining('lone surrogates')]);
    }
  });
});

describe('fieldWithBadText', () => {
  it('should name the first bad string by its path, array indexes included', () => {
    const ids = Array.from({ length: 100 }, (_v, i) => `deezer:${i}`);
    expect(fieldWithBadText({ ids, filter: { q: 'ok' } })).toBeUndefined();
    expect(fieldWithBadText({ ids: [...ids.slice(0, 42), 'a\u0000b'], other: '\ud800' })).toEqual({
      field: 'ids.42',
      problem: expect.stringContaining('NUL'),
    });
    expect(fieldWithBadText({ filter: { names: ['x', '\udfff'] } })?.field).toBe('filter.names.1');
    expect(fieldWithBadText('\ud800')?.field).toBe('request');
  });
});
