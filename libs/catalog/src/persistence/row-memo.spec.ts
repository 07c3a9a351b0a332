import { ROW_MEMO_MAX_CHARS, RowMemo } from './row-memo';

describe(RowMemo.name, () => {
  let sut: RowMemo;
  let built: number;
  const build = (text: string) => () => {
    built += 1;
    return { parsed: JSON.parse(text) as unknown };
  };

  beforeEach(() => {
    sut = new RowMemo();
    built = 0;
  });

  it('should build a row once and answer the same value while its texts are unchanged', () => {
    const first = sut.value('artist:a', '{"n":1}', '[]', build('{"n":1}'));
    const second = sut.value('artist:a', '{"n":1}', '[]', build('{"n":1}'));

    expect(second).toBe(first);
    expect(built).toBe(1);
  });

  it('should build again when the row or what was read with it changed', () => {
    const first = sut.value('artist:a', '{"n":1}', '[]', build('{"n":1}'));
    const rewritten = sut.value('artist:a', '{"n":2}', '[]', build('{"n":2}'));
    const relinked = sut.value('artist:a', '{"n":2}', '[{"owner":"x"}]', build('{"n":2}'));

    expect(rewritten).not.toBe(first);
    expect(rewritten).toEqual({ parsed: { n: 2 } });
    expect(relinked).not.toBe(rewritten);
    expect(built).toBe(3);
  });

  it('should keep each key apart', () => {
    const a = sut.value('artist:a', '{}', '', build('{}'));
    const b = sut.value('artist:b', '{}', '', build('{}'));

    expect(b).not.toBe(a);
    expect(sut.value('artist:a', '{}', '', build('{}'))).toBe(a);
  });

  it('should keep no row longer than its budget, building it on every read', () => {
    const huge = `"${'x'.repeat(ROW_MEMO_MAX_CHARS)}"`;

    const first = sut.value('artist:a', huge, '', build('1'));
    const second = sut.value('artist:a', huge, '', build('1'));

    expect(second).not.toBe(first);
    expect(built).toBe(2);
  });
});
