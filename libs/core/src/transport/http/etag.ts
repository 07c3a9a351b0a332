import { createHash } from 'node:crypto';

/** A weak validator over the exact bytes sent. */
export function etagOf(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

/** RFC 9110 If-None-Match (weak comparison): a list of tags, or `*`. */
export function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') {
    return false;
  }
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === bare;
  });
}

export interface EncodedJson {
  body: string;
  etag: string;
}

/**
 * Answers read from the cache are the same object on every request (L1 keeps values by reference and they are
 * read-only), so the JSON and its ETag are computed once per kept answer and forgotten with it.
 */
const encoded = new WeakMap<object, EncodedJson>();

/** The JSON body of an answer's value and its ETag. */
export function encodeJson(value: unknown): EncodedJson {
  const memoizable = typeof value === 'object' && value !== null;
  const known = memoizable ? encoded.get(value) : undefined;
  if (known !== undefined) {
    return known;
  }
  const body = JSON.stringify(value) ?? 'null';
  const result = { body, etag: etagOf(body) };
  if (memoizable) {
    encoded.set(value, result);
  }
  return result;
}
