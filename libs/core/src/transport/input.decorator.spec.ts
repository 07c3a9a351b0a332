import { badText } from './input.decorator';

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
