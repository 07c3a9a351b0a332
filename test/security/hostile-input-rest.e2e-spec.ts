import fc from 'fast-check';
import request from 'supertest';
import {
  bodyFor,
  contentType,
  hostileNumberText,
  hostileText,
  queryFor,
  urlText,
  type JsonSchema,
} from './hostile-arbitraries';
import { rawHttp, stopRetention, tableCounts, type RawHttpAnswer } from './hostile-tools';
import { admin, bootSecuredApp, INTERNAL_LEAK, register, type Account, type SecuredApp } from './security-helpers';

jest.setTimeout(180_000);

/** Runs per route and phase; `FUZZ_RUNS=200 FC_SEED=random` explores further (see SECURITY.md "Hostile input"). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

interface Parameter {
  name: string;
  schema: JsonSchema;
}

interface HostileOperation {
  method: string;
  /** `/v1/artists/{id}` */
  path: string;
  key: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
        requestBody?: { content: Record<string, { schema: { $ref?: string } & JsonSchema }> };
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
}

/** Every operation the running app documents, with its parameters and body schema: new routes join by themselves. */
async function hostileOperations(httpUrl: string): Promise<HostileOperation[]> {
  const document = (await request(httpUrl).get('/docs-json')).body as OpenApiDocument;
  const out: HostileOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) {
        continue;
      }
      const params = (where: string): Parameter[] =>
        (operation.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } }));
      const schema = Object.values(operation.requestBody?.content ?? {})[0]?.schema;
      const body = schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop() ?? ''] : schema;
      out.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        pathParams: params('path'),
        queryParams: params('query'),
        body,
      });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

type Credential = 'none' | 'garbage' | 'user' | 'admin';

const garbageToken = fc.constantFrom(
  'Bearer x',
  'Bearer ',
  `Bearer ${'a'.repeat(6_000)}`,
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
  'Basic YWRtaW46YWRtaW4=',
  'bearer  a.b.c',
  'Bearer a.b.c, Bearer d.e.f',
);

interface HostileRequest {
  path: string;
  query: string;
  body?: Buffer;
  contentType?: string;
  credential: Credential;
  garbage: string;
}

function hostileRequest(op: HostileOperation): fc.Arbitrary<HostileRequest> {
  const pathValue = (p: Parameter): fc.Arbitrary<string> =>
    p.schema.type === 'integer' ? fc.oneof(hostileNumberText, hostileText(200)) : hostileText(300);
  return fc
    .record({
      params: fc.tuple(...op.pathParams.map(pathValue)),
      raw: fc.boolean(),
      query: queryFor(op.queryParams),
      // Routes without a body get one now and then: it must be refused or ignored, never crash anything.
      body: op.body ? bodyFor(op.body) : fc.option(bodyFor(undefined), { freq: 4, nil: undefined }),
      contentType,
      credential: fc.constantFrom<Credential>('user', 'user', 'admin', 'admin', 'none', 'garbage'),
      garbage: garbageToken,
    })
    .map(({ params, raw, query, body, contentType: type, credential, garbage }) => {
      let i = 0;
      const path = op.path.replace(/\{\w+\}/g, () => urlText(params[i++], raw) || '%20');
      return { path, query, body, contentType: type, credential, garbage };
    });
}

/** What every answer to hostile input must be: no 5xx, and a refusal is problem+json that names the problem. */
function verdict(answer: RawHttpAnswer, mustRefuse: boolean): string | undefined {
  if (answer.status >= 500) {
    return 'server error';
  }
  if (answer.status < 400) {
    return mustRefuse ? 'accepted an invalid request' : undefined;
  }
  if (answer.status === 431) {
    // Node's HTTP parser refuses an over-long head before any Chorus code; it has no body to check.
    return undefined;
  }
  if (!String(answer.headers['content-type']).includes('application/problem+json')) {
    return 'refusal is not problem+json';
  }
  const problem = JSON.parse(answer.text) as {
    status?: number;
    code?: string;
    title?: string;
    detail?: string;
    errors?: Array<{ field?: string }>;
  };
  const named = problem.errors?.[0]?.field ?? problem.detail;
  if (problem.status !== answer.status || !problem.code || !problem.title || !named) {
    return 'problem document without status, code, title or a named problem';
  }
  // A refused key is named as the client sent it (`SELECT `, `stack`…): only the rest of the answer is ours.
  const ours = (problem.errors ?? []).reduce(
    (text, e) => (e.field ? text.split(JSON.stringify(e.field).slice(1, -1)).join('') : text),
    answer.text,
  );
  return INTERNAL_LEAK.test(ours) ? 'internal detail leaked' : undefined;
}

/** Routes whose success ends the session the suite calls with: it signs in again after them. */
const SESSION_ENDING = new Set([
  'POST /v1/auth/logout',
  'POST /v1/auth/logout-everywhere',
  'DELETE /v1/me',
  'DELETE /v1/me/sessions/{id}',
  'POST /v1/me/password',
  'PUT /v1/admin/users/{id}/role',
]);

describe('Hostile input on every REST route', () => {
  let secured: SecuredApp;
  let httpUrl: string;
  let operations: HostileOperation[];
  const accounts: Partial<Record<'user' | 'admin', Account>> = {};

  const signIn = async (): Promise<void> => {
    for (const role of ['user', 'admin'] as const) {
      const known = accounts[role];
      const alive = known && (await request(httpUrl).get('/v1/me').set('authorization', `Bearer ${known.accessToken}`));
      if (!alive || alive.status !== 200) {
        accounts[role] = role === 'admin' ? await admin(httpUrl) : await register(httpUrl, 'hostile');
      }
    }
  };

  const send = async (op: HostileOperation, input: HostileRequest, poison = ''): Promise<RawHttpAnswer> => {
    const headers: Record<string, string> = {};
    const account =
      input.credential === 'user' || input.credential === 'admin' ? accounts[input.credential] : undefined;
    if (account) {
      headers.authorization = `Bearer ${account.accessToken}`;
    } else if (input.credential === 'garbage') {
      headers.authorization = input.garbage;
    }
    if (input.body && input.contentType) {
      headers['content-type'] = input.contentType;
    }
    const query = [input.query, poison].filter(Boolean).join('&');
    return rawHttp(httpUrl, op.method, query ? `${input.path}?${query}` : input.path, input.body, headers);
  };

  const describeRequest = (op: HostileOperation, input: HostileRequest, answer: RawHttpAnswer): string =>
    `${op.key} as ${input.credential}: ${op.method} ${input.path.slice(0, 200)}?${input.query.slice(0, 200)} ` +
    `[${input.contentType}] ${input.body?.subarray(0, 200).toString() ?? ''} → ${answer.status} ${answer.text.slice(0, 300)}`;

  beforeAll(async () => {
    secured = await bootSecuredApp();
    httpUrl = secured.app.httpUrl;
    operations = await hostileOperations(httpUrl);
    await signIn();
  });

  afterAll(async () => {
    await secured?.close();
  });

  it('should find every documented route, with its parameters and body schemas', () => {
    expect(operations.length).toBeGreaterThan(50);
    const batch = operations.find((o) => o.key === 'POST /v1/tracks:batchGet');
    expect(Object.keys(batch?.body?.properties ?? {})).toEqual(['ids']);
    expect(operations.find((o) => o.key === 'GET /v1/search')?.queryParams.map((p) => p.name)).toContain('limit');
  });

  it('should answer generated hostile requests on every route, signed in or not, without a 5xx', async () => {
    const accepted = new Set<string>();
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(hostileRequest(op), async (input) => {
          const answer = await send(op, input);
          const problem = verdict(answer, false);
          if (problem) {
            throw new Error(`${problem}: ${describeRequest(op, input, answer)}`);
          }
          if (answer.status < 300) {
            accepted.add(op.key);
          }
          if (SESSION_ENDING.has(op.key) && answer.status < 300) {
            await signIn();
          }
        }),
        { numRuns: RUNS },
      );
    }
    // The generator must reach the use cases, not only the validation in front of them.
    expect(accepted.size).toBeGreaterThan(10);
    expect((await request(httpUrl).get('/health/ready')).status).toBe(200);
  });

  it('should refuse invalid requests on every route with a 4xx, store nothing and call no provider', async () => {
    await signIn();
    await stopRetention(secured.app);
    const before = await tableCounts(secured.app.database.url);
    secured.fake.clearLog();
    // A key no DTO declares makes any request invalid, whatever else it carries.
    const poison = fc
      .tuple(fc.constantFrom('zz', 'isAdmin', 'userId', 'role'), hostileText(100))
      .map(([key, value]) => `${key}=${urlText(value, false)}`);
    for (const op of operations.filter((o) => o.path.startsWith('/v1/'))) {
      await fc.assert(
        fc.asyncProperty(hostileRequest(op), poison, async (input, extra) => {
          const answer = await send(op, input, extra);
          const problem = verdict(answer, true);
          if (problem) {
            throw new Error(`${problem}: ${describeRequest(op, input, answer)}`);
          }
        }),
        { numRuns: RUNS },
      );
    }
    expect(await tableCounts(secured.app.database.url)).toEqual(before);
    expect(secured.fake.requests().map((r) => r.path)).toEqual([]);
    const me = await request(httpUrl).get('/v1/me').set('authorization', `Bearer ${accounts.user?.accessToken}`);
    expect(me.status).toBe(200);
  });

  it('should refuse the inputs earlier runs found answered with a 500 or unnamed (regressions)', async () => {
    const json = { 'content-type': 'application/json' };
    // A lone surrogate: validator.js's IsEmail threw a URIError on it (500) before any rule could refuse it.
    const lone = Buffer.from('{"email":"\\ud800a@example.com","password":"correct horse battery"}');
    const cases: Array<[string, string, Buffer?, Record<string, string>?]> = [
      ['POST', '/v1/auth/register', lone, json],
      ['POST', '/v1/auth/login', lone, json],
      ['POST', '/v1/me/playlists', Buffer.from('{"name":"\\udfff"}'), json],
      // Form bodies were parsed (Nest's default parsers), turning a whole JSON text into one echoed field name.
      ['DELETE', '/v1/me', Buffer.from('{"password":"x"}'), { 'content-type': 'application/x-www-form-urlencoded' }],
      // A query key with no name was refused naming the field "", i.e. nothing.
      ['GET', '/v1/search?=x&q=a&type=track'],
    ];
    for (const [method, path, body, headers] of cases) {
      const answer = await rawHttp(httpUrl, method, path, body, {
        ...headers,
        authorization: `Bearer ${accounts.user?.accessToken}`,
      });
      const expected = headers?.['content-type']?.startsWith('application/x-www-form') ? 415 : 400;
      expect([path, answer.status, verdict(answer, true)]).toEqual([path, expected, undefined]);
    }
  });
});
