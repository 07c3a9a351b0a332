/**
 * A handler's result that has two forms: the message (gRPC, and whatever else reads the result) and its REST
 * body, the bytes of `JSON.stringify(message)` built more cheaply, e.g. from parts encoded once per cached
 * value. AnswerInterceptor sends `bytes()` on REST and `message()` on gRPC; each is made only when it is sent.
 * Bytes rather than text: Fastify sends a Buffer as it is, where a long string is measured
 * (`Buffer.byteLength`) and encoded again on write.
 */
export class JsonBody<T> {
  private constructor(
    readonly message: () => T,
    readonly bytes: () => Buffer,
  ) {}

  static of<T>(message: () => T, bytes: () => Buffer): JsonBody<T> {
    return new JsonBody(message, bytes);
  }
}

/** One buffer of JSON text pieces (short strings made per request) and pre-encoded parts, in order. */
export function joinJson(parts: ReadonlyArray<string | Buffer>): Buffer {
  let length = 0;
  for (const part of parts) {
    length += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  }
  const out = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      // A separator (`,`) is one byte: no call into the encoder for it.
      const code = part.length === 1 ? part.charCodeAt(0) : 0x80;
      if (code < 0x80) {
        out[offset] = code;
        offset += 1;
      } else if (part.length > 0) {
        offset += out.write(part, offset);
      }
    } else {
      // TypedArray#set is one memcpy; Buffer#copy goes through more JavaScript per call.
      out.set(part, offset);
      offset += part.length;
    }
  }
  return out;
}
