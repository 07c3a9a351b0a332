import fc from 'fast-check';
import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { queryDatabase } from '../support/database';
import { grpcFrame, rawGrpc, rawHttp, tableCounts } from './hostile-tools';
import { grpcCall, grpcClient } from '../support/grpc-client';
import {
  admin,
  bootSecuredApp,
  fillPath,
  grpcOperations,
  INTERNAL_LEAK,
  register,
  restOperations,
  type Account,
  type GrpcOperation,
  type RestOperation,
  type SecuredApp,
} from './security-helpers';

jest.setTimeout(120_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);

/** Characters with a meaning to Lucene, SQL, shells, paths or HTML; free text must survive all of them. */
const META = [...'+-&|!(){}[]^"~*?:\\/\'`;%_<>$#@=,.\u0000\n\r\t'];
const metaString = fc
  .array(
    fc.oneof(
      fc.constantFrom(...META),
      fc.string({ maxLength: 3 }),
      fc.constantFrom('OR 1=1', "'; DROP TABLE auth_users; --", 'AND', 'NOT', '${jndi:x}', '../../etc/passwd'),
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

/** Ids no provider namespace accepts: bad namespace, bad body, meta characters, too long. */
const malformedId = fc.oneof(
  metaString.map((s) => `x${s}!`),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => `musicbrainz:${s.replace(/[0-9a-f-]/gi, 'z')}z`),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => `deezer:${s.replace(/\d/g, 'q')}q`),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => `nosuch:${s}`),
  fc.string({ minLength: 101, maxLength: 300 }),
);
const malformedIsrc = fc.oneof(
  fc.string({ minLength: 1, maxLength: 11 }).map((s) => s.replace(/\s/g, 'x')),
  fc.string({ minLength: 13, maxLength: 40 }),
  fc.stringMatching(/^[0-9]{12}$/),
  metaString,
);
const malformedBarcode = fc.oneof(
  fc.stringMatching(/^[0-9]{1,7}$/),
  fc.stringMatching(/^[0-9]{14,40}$/),
  fc.stringMatching(/^[0-9]{12}[a-z]$/),
  metaString.map((s) => `1${s}`),
);
const outOfRange = fc.oneof(
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.integer({ min: 100_001, max: 2_000_000_000 }),
  fc.double({ noNaN: true, min: 0.01, max: 99.99 }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom('abc', '1e400', 'NaN', 'Infinity', '0x10', '', ' ', '1; DROP TABLE x'),
);
/**
 * Values of the wrong shape for a scalar field. (Scalars of the wrong scalar type are converted by the global
 * pipe's implicit conversion, which query strings need; credentials opt out of it, see libs/auth validators.)
 */
const wrongType = fc.oneof(
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);
/** A key no DTO has: every request carrying one must be refused rather than have it ignored. */
const unknownKey = fc
  .string({ minLength: 1, maxLength: 12 })
  .map((s) => `zz_${s.replace(/[^\w]/g, '_')}`)
  .filter((k) => k !== '__proto__');

function expectClientError(what: string, status: number, text: string): void {
  if (status < 400 || status >= 500 || INTERNAL_LEAK.test(text)) {
    throw new Error(`${what} answered ${status}: ${text.slice(0, 300)}`);
  }
}

function expectNoServerError(what: string, status: number, text: string): void {
  if (status >= 500 || INTERNAL_LEAK.test(status >= 400 ? text : '')) {
    throw new Error(`${what} answered ${status}: ${text.slice(0, 300)}`);
  }
}

/** Failed logins are recorded on purpose (history, throttling): those are not writes of the request. */
const counts = (url: string): Promise<Record<string, number>> =>
  tableCounts(url, ['auth_login_attempts', 'auth_rate_limits']);

describe('Bad input on every route and method', () => {
  let secured: SecuredApp;
  let httpUrl: string;
  let dbUrl: string;
  let operator: Account;
  let user: Account;
  let rest: RestOperation[];
  let grpc: GrpcOperation[];
  const clients = new Map<string, Client>();

  const client = (service: string): Client => {
    let found = clients.get(service);
    if (!found) {
      found = grpcClient(secured.app.grpcAddress, service);
      clients.set(service, found);
    }
    return found;
  };

  beforeAll(async () => {
    secured = await bootSecuredApp({ HTTP_BODY_LIMIT_BYTES: '65536', GRPC_MAX_MESSAGE_BYTES: '65536' });
    httpUrl = secured.app.httpUrl;
    dbUrl = secured.app.database.url;
    operator = await admin(httpUrl);
    user = await register(httpUrl, 'fuzz');
    rest = await restOperations(httpUrl);
    grpc = grpcOperations();
  });

  afterAll(async () => {
    for (const c of clients.values()) {
      c.close();
    }
    await secured.close();
  });

  it('should refuse unknown fields and garbage path parameters on every REST route with a 4xx and store nothing', async () => {
    expect(rest.length).toBeGreaterThan(20);
    const before = await counts(dbUrl);
    for (const op of rest.filter((o) => o.path.startsWith('/v1/'))) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(malformedId, metaString), {
            minLength: op.pathParams.length,
            maxLength: op.pathParams.length,
          }),
          unknownKey,
          fc.jsonValue({ maxDepth: 2 }),
          async (params, key, value) => {
            const path = fillPath(op.path, Object.fromEntries(op.pathParams.map((p, i) => [p, params[i]])));
            let req = request(httpUrl)[op.method](path).set('authorization', `Bearer ${operator.accessToken}`);
            req = op.method === 'get' ? req.query({ [key]: JSON.stringify(value) }) : req.send({ [key]: value });
            const response = await req;
            expectClientError(`${op.key} ${path} {${key}}`, response.status, response.text);
          },
        ),
        { numRuns: RUNS },
      );
    }
    expect(await counts(dbUrl)).toEqual(before);
  });

  it('should answer malformed ids, ISRCs, barcodes and out-of-range numbers with INVALID_ARGUMENT on both transports', async () => {
    const catalog = client('chorus.v1.CatalogService');
    const idRoutes = ['/v1/artists/', '/v1/albums/', '/v1/releases/', '/v1/tracks/', '/v1/cover/'];
    await fc.assert(
      fc.asyncProperty(malformedId, fc.constantFrom(...idRoutes), async (id, route) => {
        const response = await request(httpUrl).get(`${route}${encodeURIComponent(id)}`);
        // 414: Fastify refuses path parameters over 100 encoded characters before routing.
        expect([`${route}${id}`, [400, 414].includes(response.status)]).toEqual([`${route}${id}`, true]);
        expect(response.body.code).toBe('INVALID_ARGUMENT');
        const rpc = await grpcCall(catalog, 'GetTrack', { id });
        expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      }),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(malformedIsrc, malformedBarcode, async (isrc, barcode) => {
        const byIsrc = await request(httpUrl).get(`/v1/tracks/by-isrc/${encodeURIComponent(isrc)}`);
        const byBarcode = await request(httpUrl).get(`/v1/albums/by-barcode/${encodeURIComponent(barcode)}`);
        // An empty path segment is another URL (no route): 404; an over-long one is 414; else validation: 400.
        const restOk = (value: string, status: number): boolean =>
          value === '' ? status === 404 : [400, 414].includes(status);
        expect([isrc, restOk(isrc, byIsrc.status), barcode, restOk(barcode, byBarcode.status)]).toEqual([
          isrc,
          true,
          barcode,
          true,
        ]);
        expect((await grpcCall(catalog, 'GetTrackByIsrc', { isrc })).error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
        expect((await grpcCall(catalog, 'GetAlbumByBarcode', { barcode })).error?.code).toBe(
          GrpcStatus.INVALID_ARGUMENT,
        );
      }),
      { numRuns: RUNS * 2 },
    );
    const paged = [
      '/v1/search?q=x&type=track',
      `/v1/artists/musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56/albums?x=1`,
    ];
    await fc.assert(
      fc.asyncProperty(
        outOfRange,
        fc.constantFrom('limit', 'offset'),
        fc.constantFrom(...paged),
        async (n, field, base) => {
          const url = `${base}&${field}=${encodeURIComponent(String(n))}`.replace('?x=1&', '?');
          const response = await request(httpUrl).get(url);
          expect([url, response.status]).toEqual([url, 400]);
          if (typeof n === 'number' && Number.isInteger(n)) {
            const rpc = await grpcCall(catalog, 'Search', { q: 'x', type: 'track', [field]: n });
            expect(rpc.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('should search any text, Lucene and SQL specials included, without error or side effects', async () => {
    const catalog = client('chorus.v1.CatalogService');
    const users = await queryDatabase<{ n: string }>(dbUrl, 'SELECT count(*) AS n FROM auth_users');
    await fc.assert(
      fc.asyncProperty(
        metaString.filter((q) => q.trim().length > 0 && q.length <= 200),
        async (q) => {
          // Text without a letter or digit has nothing to search for: INVALID_ARGUMENT by design.
          // NUL cannot be stored in PostgreSQL text: refused as INVALID_ARGUMENT too.
          const searchable = /[\p{L}\p{N}]/u.test(q) && !q.includes('\u0000');
          const response = await request(httpUrl).get('/v1/search').query({ q, type: 'track' });
          expect([q, response.status]).toEqual([q, searchable ? 200 : 400]);
          const rpc = await grpcCall(catalog, 'Search', { q, type: 'artist' });
          expect([q, rpc.error?.code]).toEqual([q, searchable ? undefined : GrpcStatus.INVALID_ARGUMENT]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    expect(await queryDatabase(dbUrl, 'SELECT count(*) AS n FROM auth_users')).toEqual(users);
  });

  it('should refuse wrong types in every field of every write with a 4xx and change no rows', async () => {
    const before = await counts(dbUrl);
    const writes: Array<{ method: 'post' | 'put' | 'patch'; path: string; fields: string[] }> = [
      { method: 'post', path: '/v1/auth/register', fields: ['email', 'password'] },
      { method: 'post', path: '/v1/auth/login', fields: ['email', 'password'] },
      { method: 'post', path: '/v1/auth/refresh', fields: ['refreshToken'] },
      { method: 'post', path: '/v1/me/password', fields: ['currentPassword', 'newPassword'] },
      ...(rest.some((o) => o.key === 'POST /v1/me/playlists')
        ? [
            { method: 'post' as const, path: '/v1/me/playlists', fields: ['name', 'description', 'isPublic'] },
            {
              method: 'put' as const,
              path: '/v1/me/favorites/musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56',
              fields: ['type'],
            },
            { method: 'post' as const, path: '/v1/me/plays', fields: ['trackId', 'playedAt'] },
          ]
        : []),
    ];
    for (const write of writes) {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...write.fields), wrongType, async (field, value) => {
          const body: Record<string, unknown> = Object.fromEntries(write.fields.map((f) => [f, 'placeholder value']));
          body[field] = value;
          const agent = request(httpUrl);
          const response = await agent[write.method](write.path)
            .set('authorization', `Bearer ${user.accessToken}`)
            .send(body);
          expectClientError(`${write.path} ${field}=${JSON.stringify(value)}`, response.status, response.text);
        }),
        { numRuns: RUNS },
      );
    }
    expect(await counts(dbUrl)).toEqual(before);
  });

  it('should answer every gRPC method with a mapped code, never INTERNAL or UNKNOWN, for random field values', async () => {
    // Parameterless writes would succeed (and end the fuzzing session); they have nothing to fuzz.
    const skip = new Set(['AuthService/Logout', 'AuthService/LogoutEverywhere', 'LibraryService/ClearHistory']);
    const value = (type: string): fc.Arbitrary<unknown> =>
      type === 'TYPE_STRING'
        ? fc.oneof(metaString, malformedId, fc.string())
        : type === 'TYPE_BOOL'
          ? fc.boolean()
          : type.startsWith('TYPE_INT') || type.startsWith('TYPE_UINT') || type.startsWith('TYPE_SINT')
            ? fc.integer({ min: -2_000_000_000, max: 2_000_000_000 })
            : fc.constant(undefined);
    for (const op of grpc.filter((o) => !skip.has(o.key))) {
      const fields = Object.fromEntries(
        op.requestFields.map((f) => [f.name, f.repeated ? fc.array(value(f.type), { maxLength: 3 }) : value(f.type)]),
      );
      await fc.assert(
        fc.asyncProperty(fc.record(fields, { requiredKeys: [] }), async (body) => {
          const result = await grpcCall(client(op.service), op.method, body, {
            authorization: `Bearer ${user.accessToken}`,
          });
          const code = result.error?.code;
          if (
            code === GrpcStatus.INTERNAL ||
            code === GrpcStatus.UNKNOWN ||
            INTERNAL_LEAK.test(result.error?.details ?? '')
          ) {
            throw new Error(`${op.key} ${JSON.stringify(body)} → ${code} ${result.error?.details}`);
          }
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('should answer malformed protobuf frames on every gRPC method with INVALID_ARGUMENT or RESOURCE_EXHAUSTED', async () => {
    const address = secured.app.grpcAddress;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...grpc.map((o) => o.path)),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async (path, bytes) => {
          // 0xff 0x7f = field 2047 with wire type 7, which does not exist: never a valid message, whatever follows.
          // (A length past the end is not enough: protobufjs reads a truncated string field leniently, so
          // `0a 7f 21` decodes as a one-character string, which a batch method rightly answers with per-id statuses.)
          const payload = Buffer.concat([Buffer.from([0xff, 0x7f]), Buffer.from(bytes)]);
          const result = await rawGrpc(address, path, grpcFrame(payload));
          // Protected methods may refuse the (token-less) call first; either way a mapped client error.
          const refused = [GrpcStatus.INVALID_ARGUMENT, GrpcStatus.UNAUTHENTICATED].includes(result.status);
          expect([path, refused, result.status, INTERNAL_LEAK.test(result.message)]).toEqual([
            path,
            true,
            result.status,
            false,
          ]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    const path = '/chorus.v1.CatalogService/GetArtist';
    const oversized = await rawGrpc(address, path, grpcFrame(Buffer.alloc(70_000, 0x41)));
    expect(oversized.status).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    // A frame cut short, and a compressed flag without an encoding: refused by grpc-js itself, never INTERNAL.
    const truncated = await rawGrpc(address, path, grpcFrame(Buffer.from([0x0a, 0x01]), 40));
    const compressedWithoutEncoding = await rawGrpc(address, path, grpcFrame(Buffer.from([0x0a, 0x01, 0x41]), 3, 1));
    for (const answer of [truncated, compressedWithoutEncoding]) {
      expect([GrpcStatus.OK, GrpcStatus.INTERNAL, GrpcStatus.UNKNOWN, -1]).not.toContain(answer.status);
    }
    const bigRequest = await grpcCall(client('chorus.v1.CatalogService'), 'Search', {
      q: 'x'.repeat(70_000),
      type: 'track',
    });
    expect(bigRequest.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it('should answer bodies over the limit with 413, and deep, huge, invalid UTF-8 or non-JSON bodies with a 4xx', async () => {
    const before = await counts(dbUrl);
    const tooLarge = await rawHttp(
      httpUrl,
      'POST',
      '/v1/auth/register',
      Buffer.from(JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(70_000) })),
      { 'content-type': 'application/json' },
    );
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.text)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });

    const deep = Buffer.from(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    const many = Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i]))));
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"email":"a'),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from('@example.com","password":"correct horse battery"}'),
    ]);
    const cases: Array<[string, Buffer, string?]> = [
      ['deep', deep],
      ['many keys', many],
      ['invalid utf-8', invalidUtf8],
      ['truncated json', Buffer.from('{"email":"a@example.com","pass')],
      ['array', Buffer.from('[1,2,3]')],
      ['scalar', Buffer.from('"just a string"')],
      ['prototype pollution', Buffer.from('{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}')],
      ['text body', Buffer.from('email=a@example.com'), 'text/plain'],
      ['form body', Buffer.from('email=a@example.com&password=x'), 'application/x-www-form-urlencoded'],
    ];
    for (const [name, body, type] of cases) {
      for (const path of ['/v1/auth/register', '/v1/auth/login']) {
        const answer = await rawHttp(httpUrl, 'POST', path, body, { 'content-type': type ?? 'application/json' });
        expectClientError(`${name} → ${path}`, answer.status, answer.text);
      }
    }
    for (const path of [
      '/v1/artists/%C3%28',
      '/v1/artists/%ff%fe',
      '/v1/tracks/%00',
      `/v1/artists/${'a'.repeat(300)}`,
    ]) {
      const answer = await request(httpUrl).get(path);
      expectClientError(path, answer.status, answer.text);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
    const nul = await request(httpUrl).get('/v1/search?q=abc%00def&type=track');
    expect([nul.status, nul.body.errors?.[0]?.field]).toEqual([400, 'q']);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    expect(await counts(dbUrl)).toEqual(before);
    // Query strings are decoded leniently (an invalid escape stays literal text): searched, never a 5xx.
    const lenient = await request(httpUrl).get('/v1/search?q=abc%ff&type=track');
    expectNoServerError('invalid escape in query', lenient.status, lenient.text);
    expectNoServerError('health', (await request(httpUrl).get('/health/ready')).status, '');
  });
});
