/**
 * JSON written piece by piece, so a document larger than memory can be sent: an `AsyncIterable` anywhere in the
 * value is written as an array whose elements are read one at a time (and may hold iterables themselves). Every
 * other value is written as `JSON.stringify` writes it, so the text is the same as for the value read whole.
 */
export async function* jsonChunks(value: unknown): AsyncGenerator<string> {
  if (isAsyncIterable(value)) {
    yield '[';
    let first = true;
    for await (const item of value) {
      yield first ? '' : ',';
      first = false;
      yield* jsonChunks(item === undefined ? null : item);
    }
    yield ']';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (const [index, item] of value.entries()) {
      yield index === 0 ? '' : ',';
      yield* jsonChunks(item === undefined ? null : item);
    }
    yield ']';
    return;
  }
  if (isPlainObject(value)) {
    yield* objectChunks(value);
    return;
  }
  yield JSON.stringify(value) ?? 'null';
}

async function* objectChunks(value: Record<string, unknown>): AsyncGenerator<string> {
  yield '{';
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    // As JSON.stringify: a member whose value has no JSON form is left out.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') {
      continue;
    }
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* jsonChunks(item);
  }
  yield '}';
}

/**
 * Joins small pieces into chunks of about `size` characters (one message or write per row would cost more in
 * framing than the rows themselves); a chunk is handed on as soon as it reaches the size.
 */
export async function* coalesce(pieces: AsyncIterable<string>, size: number): AsyncGenerator<string> {
  let pending: string[] = [];
  let length = 0;
  for await (const piece of pieces) {
    pending.push(piece);
    length += piece.length;
    if (length >= size) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (length > 0) {
    yield pending.join('');
  }
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  // Objects with toJSON (Date) are left to JSON.stringify.
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
}
