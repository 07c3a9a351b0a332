import fc from 'fast-check';
import type { ProtoCatalog, ProtoField } from './hostile-tools';

/** Text with a meaning to SQL, Lucene, shells, paths, templates, HTML or the JSON/URL parsers themselves. */
const ATTACKS = [
  "' OR '1'='1",
  "'; DROP TABLE auth_users; --",
  '1) UNION SELECT password_hash FROM auth_users --',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '..\\..\\windows\\win.ini',
  '/dev/zero',
  'file:///etc/passwd',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '*:*',
  'artist:(a OR b) AND NOT c~2^3',
  '\u0000',
  'a\u0000b',
  '\r\nSet-Cookie: x=1',
  '\u202eevil',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  'ｆｕｌｌｗｉｄｔｈ',
  '🎵'.repeat(40),
  'e\u0301\u0301\u0301\u0301',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '',
  ' ',
  '%',
  '%zz',
  '%00',
  '%ff%fe',
  '%c3%28',
];

/** Shapes of the identifiers Chorus takes, right and subtly wrong: ids, ISRCs, barcodes, URLs, enum-ish words. */
const SHAPED = [
  'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56',
  'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb5',
  'musicbrainz:056E4F3E-D505-4DAD-8EC1-D04F521CBB56',
  'musicbrainz:',
  ':',
  'deezer:3135556',
  'deezer:-1',
  'deezer:99999999999999999999999999',
  'deezer:0x10',
  'spotify:4uLU6hMCjMI75M1A2tKUQC',
  'itunes:1',
  'nosuch:1',
  'USRC17607839',
  'usrc17607839',
  'USRC1760783',
  'USRC176078390',
  '0602537518357',
  '060253751835',
  '00000000000000',
  '0602537518357x',
  'https://www.deezer.com/playlist/908622995',
  'https://www.deezer.com/playlist/-1',
  'https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M',
  'https://open.spotify.com/track/../../playlist/x',
  'http://127.0.0.1:22/',
  'http://[::1]/',
  'http://169.254.169.254/latest/meta-data/',
  'javascript:alert(1)',
  'data:text/html,<b>',
  `https://www.deezer.com/playlist/${'9'.repeat(3000)}`,
  'track',
  'artist',
  'album',
  'release',
  'admin',
  'user',
  'week',
  'all',
  'small',
  'large',
  '2026-02-30T25:61:61Z',
  '-271821-04-20T00:00:00Z',
  '2026-01-31T20:15:00Z',
  '00000000-0000-0000-0000-000000000000',
];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with lone surrogates replaced: what can be percent-encoded or sent by a protobuf client. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Puts text into a URL either as a browser would (percent-encoding everything) or raw, escaping only what an
 * HTTP client cannot send (controls, space, `#`, non-ASCII), so `/`, `..`, `&`, `=` and `%zz` reach the server.
 */
export function urlText(text: string, raw: boolean): string {
  const safe = wellFormed(text);
  return raw
    ? [...safe].map((c) => (c <= ' ' || c === '#' || c >= '\u007f' ? encodeURIComponent(c) : c)).join('')
    : encodeURIComponent(safe);
}

/** Null four times in five: an element that invalidates the whole request must leave room for valid ones. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

/** Hostile text up to `hugeLength` characters (query strings must stay under Node's 16 KiB header limit). */
export function hostileText(hugeLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ATTACKS, ...SHAPED) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: controlChar, minLength: 1, maxLength: 10 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', 'ä', '🎵', '%', "'"),
          fc.integer({ min: Math.min(201, hugeLength), max: hugeLength }),
        )
        .map(([c, n]) => c.repeat(Math.ceil(n / c.length))),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...SHAPED), fc.constantFrom(...ATTACKS), fc.boolean())
        .map(([a, b, first]) => (first ? a + b : b + a)),
    },
  );
}

/** Numbers as a client might write them: negative, huge, fractional, hexadecimal, exponent, or not numbers. */
export const hostileNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.double().map(String),
  fc.constantFrom('-0', '1e309', '-1e309', 'NaN', 'Infinity', '0x1F', '1.5', '+1', ' 1', '１', '1,2', '[]', '{}'),
);

/** Values of every JSON shape, for a field whose declared type they may or may not match. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
  hostileText(3_000),
  fc.array(hostileText(100), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', '$ne', 'id'), hostileText(50), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 4 }),
);

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** A value for a field of this schema: usually of the declared shape (with hostile content), often not. */
export function valueFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const right: fc.Arbitrary<unknown> =
    schema.type === 'integer' || schema.type === 'number'
      ? fc.oneof(fc.integer(), fc.double(), fc.integer({ min: -10, max: 10 }), fc.constant(Number.MAX_SAFE_INTEGER + 2))
      : schema.type === 'boolean'
        ? fc.boolean()
        : schema.type === 'array'
          ? fc.oneof(
              fc.array(valueFor(schema.items ?? {}), { maxLength: 5 }),
              fc.integer({ min: 90, max: 400 }).map((n) => Array.from({ length: n }, (_v, i) => `deezer:${i}`)),
            )
          : schema.enum
            ? fc.oneof(fc.constantFrom(...schema.enum), hostileText(300))
            : hostileText(20_000);
  return fc.oneof({ weight: 3, arbitrary: right }, { weight: 2, arbitrary: anyJson });
}

/** A body for this schema: an object of right and wrong field values, an unknown key, or no object at all. */
export function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<Buffer> {
  const properties = Object.entries(schema?.properties ?? {});
  const object = fc
    .tuple(
      fc.record(Object.fromEntries(properties.map(([name, s]) => [name, valueFor(s)])), { requiredKeys: [] }),
      rarely(fc.tuple(fc.constantFrom('zz', '__proto__', 'constructor', 'role', 'userId', 'id'), anyJson)),
    )
    .map(([record, extra]) => {
      const text = JSON.stringify(record);
      if (!extra) {
        return text;
      }
      // JSON text, not an object literal: `__proto__` must reach the server as an own key.
      const more = `${JSON.stringify(extra[0])}:${JSON.stringify(extra[1]) ?? 'null'}`;
      return text === '{}' ? `{${more}}` : `${text.slice(0, -1)},${more}}`;
    });
  return fc
    .oneof(
      { weight: 6, arbitrary: object },
      { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify([v])) },
      { weight: 1, arbitrary: fc.constantFrom('null', '0', '"x"', 'true', '[]', '', ' ', '{', '{"a":}', '{"a":1,}') },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 50, max: 4_000 }))
          .map(([open, n]) => `${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)}`),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 500, max: 5_000 })
          .map((n) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_v, i) => [`k${i}`, i])))),
      },
    )
    .map((text) => Buffer.from(text))
    .chain((bytes) =>
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(bytes) },
        // Invalid UTF-8 inside the JSON text.
        { weight: 1, arbitrary: fc.constant(Buffer.concat([bytes.subarray(0, 2), Buffer.from([0xc3, 0x28, 0xff])])) },
      ),
    );
}

/** Content types a client may claim, most of them not JSON or not quite JSON. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/xml',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/merge-patch+json',
      'application/problem+json',
      'application/octet-stream',
      'APPLICATION/JSON',
      'application/json, text/plain',
      ';;;',
    ),
  },
);

/** A query string: the declared parameters with hostile values, some repeated, some unknown keys. */
export function queryFor(params: Array<{ name: string; schema: JsonSchema }>): fc.Arbitrary<string> {
  const one = (schema: JsonSchema): fc.Arbitrary<string> =>
    schema.type === 'integer' || schema.type === 'number'
      ? fc.oneof(hostileNumberText, hostileText(2_000))
      : schema.enum
        ? fc.oneof(fc.constantFrom(...schema.enum.map(String)), hostileText(2_000))
        : hostileText(2_000);
  const entries = params.map((p) =>
    fc.option(fc.array(one(p.schema), { minLength: 1, maxLength: 3 }).map((values) => values.map((v) => [p.name, v]))),
  );
  const unknown = rarely(
    fc.tuple(fc.constantFrom('zz', '__proto__', 'constructor[prototype]', 'a[b]', 'q[]', ''), hostileText(100)),
  );
  return fc.tuple(fc.tuple(...entries), unknown, fc.boolean()).map(([declared, extra, raw]) => {
    const pairs = [...declared.flatMap((e) => e ?? []), ...(extra ? [extra] : [])];
    return pairs.map(([k, v]) => `${urlText(k, raw)}=${urlText(v, raw)}`).join('&');
  });
}

// --- Protobuf wire format -------------------------------------------------------------------------------------

function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    bytes.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Buffer.from(bytes);
}

function tag(field: number, wireType: number): Buffer {
  return varint(BigInt(field * 8 + wireType));
}

function delimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(BigInt(payload.length)), payload]);
}

const anyVarint = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

/** The wire type the field's declared type uses. */
function wireTypeOf(field: ProtoField): number {
  if (['TYPE_STRING', 'TYPE_BYTES', 'TYPE_MESSAGE'].includes(field.type)) {
    return 2;
  }
  if (['TYPE_DOUBLE', 'TYPE_FIXED64', 'TYPE_SFIXED64'].includes(field.type)) {
    return 1;
  }
  return ['TYPE_FLOAT', 'TYPE_FIXED32', 'TYPE_SFIXED32'].includes(field.type) ? 5 : 0;
}

/** One field encoded with its declared wire type: text, bytes, numbers and nested messages of any content. */
function rightField(catalog: ProtoCatalog, field: ProtoField, depth: number): fc.Arbitrary<Buffer> {
  const n = field.number;
  switch (wireTypeOf(field)) {
    case 1:
      return fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.concat([tag(n, 1), Buffer.from(b)]));
    case 5:
      return fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Buffer.concat([tag(n, 5), Buffer.from(b)]));
    case 0:
      // protobufjs reads a 32-bit varint as 5 bytes and then skips 5 more unchecked, so a 6-9 byte varint would
      // swallow the next tag: keep the lengths real encoders produce (up to 5, or 10 for negatives).
      return fc
        .oneof(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.bigInt({ min: 2n ** 63n, max: 2n ** 64n - 1n }))
        .map((v) => Buffer.concat([tag(n, 0), varint(v)]));
    default:
      if (field.type === 'TYPE_MESSAGE' && field.typeName && depth < 2) {
        return rightMessage(catalog, field.typeName.replace(/^\./, ''), depth + 1).map((m) => delimited(n, m));
      }
      return fc
        .oneof(
          hostileText(5_000).map((s) => Buffer.from(s)),
          fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
        )
        .map((b) => delimited(n, b));
  }
}

/** A well-formed message of this type: its fields in any order, repeated or not, with any content. */
export function rightMessage(catalog: ProtoCatalog, type: string, depth = 0): fc.Arbitrary<Buffer> {
  const fields = catalog.messages.get(type) ?? [];
  if (fields.length === 0) {
    return fc.constant(Buffer.alloc(0));
  }
  return fc
    .array(fc.oneof(...fields.map((f) => rightField(catalog, f, depth))), { maxLength: 6 })
    .map((parts) => Buffer.concat(parts));
}

/** A field of any wire type, unknown field numbers included: valid protobuf framing, wrong shapes. */
function wrongField(fields: ProtoField[]): fc.Arbitrary<Buffer> {
  const numbers = [...fields.map((f) => f.number), 15, 16, 999, 536_870_911];
  return fc
    .tuple(
      fc.constantFrom(...numbers),
      fc.oneof(
        anyVarint.map((v) => ({ wire: 0, body: varint(v) })),
        fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => ({ wire: 1, body: Buffer.from(b) })),
        fc.uint8Array({ maxLength: 30 }).map((b) => ({
          wire: 2,
          body: Buffer.concat([varint(BigInt(b.length)), Buffer.from(b)]),
        })),
        fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => ({ wire: 5, body: Buffer.from(b) })),
      ),
    )
    .map(([n, { wire, body }]) => Buffer.concat([tag(n, wire), body]));
}

/** Framed protobuf whose fields have the wrong wire types, unknown numbers or bytes that are not UTF-8. */
export function wrongShapedMessage(catalog: ProtoCatalog, type: string): fc.Arbitrary<Buffer> {
  const fields = catalog.messages.get(type) ?? [];
  return fc
    .array(fc.oneof(wrongField(fields), ...fields.map((f) => rightField(catalog, f, 1))), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => Buffer.concat(parts));
}

/**
 * Bytes no decoder can read as this message: a well-formed prefix, then a field that cannot be parsed (a length
 * past the end, a varint or tag cut short, an invalid wire type on an unknown field number).
 */
export function malformedMessage(catalog: ProtoCatalog, type: string): fc.Arbitrary<Buffer> {
  const unknown = 2047;
  const poison = fc.oneof(
    fc.integer({ min: 1, max: 1_000_000 }).map((extra) => Buffer.concat([tag(unknown, 2), varint(BigInt(extra))])),
    fc.constantFrom(
      Buffer.concat([tag(unknown, 0), Buffer.from([0xff, 0xff])]),
      Buffer.concat([tag(unknown, 6)]),
      Buffer.concat([tag(unknown, 7), Buffer.from([1])]),
      Buffer.concat([tag(unknown, 4)]),
      Buffer.concat([tag(unknown, 1), Buffer.from([1, 2, 3])]),
      Buffer.concat([tag(unknown, 5), Buffer.from([1])]),
      Buffer.from([0x80]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
    ),
  );
  return fc.tuple(rightMessage(catalog, type, 1), poison).map(([prefix, tail]) => Buffer.concat([prefix, tail]));
}

/** A request object for a proto-loader client: every field of the declared type, with hostile content. */
export function messageObject(catalog: ProtoCatalog, type: string, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields = catalog.messages.get(type) ?? [];
  const one = (f: ProtoField): fc.Arbitrary<unknown> => {
    switch (f.type) {
      case 'TYPE_STRING':
        // grpc-js encodes a lone surrogate as U+FFFD anyway; the raw-bytes properties send invalid UTF-8.
        return hostileText(f.repeated ? 300 : 20_000).map(wellFormed);
      case 'TYPE_BOOL':
        return fc.boolean();
      case 'TYPE_BYTES':
        return fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b));
      case 'TYPE_DOUBLE':
      case 'TYPE_FLOAT':
        return fc.double();
      case 'TYPE_ENUM':
        return fc.integer({ min: -3, max: 40 });
      case 'TYPE_MESSAGE':
        return f.typeName && depth < 2
          ? messageObject(catalog, f.typeName.replace(/^\./, ''), depth + 1)
          : fc.constant({});
      case 'TYPE_INT64':
      case 'TYPE_SINT64':
      case 'TYPE_SFIXED64':
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
      case 'TYPE_UINT64':
      case 'TYPE_FIXED64':
        return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
      case 'TYPE_UINT32':
      case 'TYPE_FIXED32':
        return fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 200 }));
      default:
        return fc.oneof(fc.integer(), fc.integer({ min: -10, max: 200 }));
    }
  };
  return fc.record(
    Object.fromEntries(
      fields.map((f) => [
        f.name,
        f.repeated ? fc.array(one(f), { maxLength: f.type === 'TYPE_STRING' ? 120 : 5 }) : one(f),
      ]),
    ),
    { requiredKeys: [] },
  );
}
