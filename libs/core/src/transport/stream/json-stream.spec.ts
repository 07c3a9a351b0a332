import fc from 'fast-check';
import { coalesce, jsonChunks } from './json-stream';

async function text(value: unknown): Promise<string> {
  const parts: string[] = [];
  for await (const part of jsonChunks(value)) {
    parts.push(part);
  }
  return parts.join('');
}

async function* items<T>(values: T[]): AsyncGenerator<T> {
  for (const value of values) {
    await Promise.resolve();
    yield value;
  }
}

/** The same value with every array replaced by an async iterable of its (likewise replaced) items. */
function streamed(value: unknown): unknown {
  if (Array.isArray(value)) {
    return items(value.map(streamed));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, streamed(item)]));
  }
  return value;
}

describe('jsonChunks', () => {
  it('should write what JSON.stringify writes, for any JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(await text(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('should write async iterables as arrays, read one item at a time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        expect(await text(streamed(value))).toBe(JSON.stringify(value));
      }),
    );
  });

  it('should leave out members JSON.stringify leaves out and write dates as it does', async () => {
    const value = { a: undefined, b: () => 1, c: new Date(0), d: [undefined, 1], e: { toJSON: () => 'x' } };
    expect(await text(value)).toBe(JSON.stringify(value));
  });
});

describe('coalesce', () => {
  it('should hand on chunks of at least the size, the same text in the same order', async () => {
    const pieces = Array.from({ length: 100 }, (_, i) => `piece ${i};`);
    const chunks: string[] = [];
    for await (const chunk of coalesce(items(pieces), 50)) {
      chunks.push(chunk);
    }
    expect(chunks.join('')).toBe(pieces.join(''));
    expect(chunks.slice(0, -1).every((chunk) => chunk.length >= 50)).toBe(true);
  });
});
