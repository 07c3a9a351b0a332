import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Client } from '@grpc/grpc-js';
import { AUTH_TEST_SETTINGS, bearer, registerRest } from '../auth/auth-helpers';
import { FakeUpstream } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const run = promisify(execFile);

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const HBFS_DEEZER = 'deezer:3135556';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type Schema = Record<string, unknown>;

interface Operation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Schema>;
}

interface Document {
  openapi: string;
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Schema>; headers: Record<string, Schema> };
}

function operations(document: Document): Array<{ key: string; path: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, operation })),
  );
}

/**
 * The document's schemas made strict (no property it does not declare) with refs into `$defs`, so a field the
 * answer has and the document lacks (another casing, a forgotten field) fails the check.
 */
function strict(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(strict);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const schema = Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string' ? child.replace('#/components/schemas/', '#/$defs/') : strict(child),
    ]),
  );
  if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
  return schema;
}

describe('OpenAPI document at /docs-json', () => {
  const fake = new FakeUpstream();
  let app: TestApp;
  let document: Document;
  let catalogGrpc: Client;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

  /** The answer matches the response schema the document gives for this operation and status. */
  function expectDocumented(key: string, response: request.Response): void {
    const [method, path] = key.split(' ');
    const operation = document.paths[path]?.[method.toLowerCase()];
    expect(operation).toBeDefined();
    let declared = operation.responses[String(response.status)];
    expect([key, response.status, declared === undefined ? 'undocumented' : 'documented']).toEqual([
      key,
      response.status,
      'documented',
    ]);
    const ref = declared.$ref as string | undefined;
    if (ref) {
      declared = document.components.responses[ref.split('/').pop() ?? ''];
    }
    const content = declared.content as Record<string, { schema: Schema }>;
    const mediaType = String(response.headers['content-type']).split(';')[0];
    expect([key, Object.keys(content)]).toEqual([key, [mediaType]]);
    const validate = ajv.compile({
      ...(strict(content[mediaType].schema) as Schema),
      $defs: strict(document.components.schemas) as Schema,
    });
    const valid = validate(response.body);
    expect([key, valid ? [] : validate.errors]).toEqual([key, []]);
    if (response.body !== null && typeof response.body === 'object' && !Array.isArray(response.body)) {
      // The check has teeth: a field the document does not declare fails it.
      expect(validate({ ...(response.body as object), undeclaredField: 1 })).toBe(false);
    }
  }

  beforeAll(async () => {
    await fake.start();
    app = await bootTestApp(upstreamEnv(fake, AUTH_TEST_SETTINGS));
    catalogGrpc = grpcClient(app.grpcAddress, 'chorus.v1.CatalogService');
    const response = await request(app.httpUrl).get('/docs-json');
    expect(response.status).toBe(200);
    document = response.body as Document;
  });

  afterAll(async () => {
    catalogGrpc?.close();
    await app?.close();
    await fake.stop();
  });

  it('should be a valid OpenAPI 3.1 document with servers, tags and a bearer scheme', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.servers.length).toBeGreaterThan(0);
    expect(document.tags.every((tag) => tag.description.length > 0)).toBe(true);
  });

  it('should describe every operation: id, summary, description, one defined tag, security and a 4xx', () => {
    const tags = new Set(document.tags.map((tag) => tag.name));
    const incomplete: string[] = [];
    for (const { key, path, operation } of operations(document)) {
      const problems = [
        !operation.operationId && 'operationId',
        !operation.summary && 'summary',
        !operation.description && 'description',
        !(operation.tags.length === 1 && tags.has(operation.tags[0])) && 'one defined tag',
        operation.security === undefined && 'security',
        !Object.keys(operation.responses).some((status) => /^2/.test(status)) && '2xx',
        !path.startsWith('/health') && !Object.keys(operation.responses).some((s) => /^4/.test(s)) && '4xx',
        !Object.keys(operation.responses).includes('503') && '503',
      ].filter(Boolean);
      if (problems.length > 0) {
        incomplete.push(`${key}: ${problems.join(', ')}`);
      }
    }
    expect(incomplete).toEqual([]);
    expect(operations(document).length).toBeGreaterThanOrEqual(40);
  });

  it('should declare every path parameter of every route, and only those', () => {
    const mismatched: string[] = [];
    for (const { key, path, operation } of operations(document)) {
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      if (JSON.stringify(declared.map((p) => p.name).sort()) !== JSON.stringify(inTemplate)) {
        mismatched.push(key);
      }
      if (declared.some((p) => !p.required || !p.schema.type)) {
        mismatched.push(`${key} (required, typed)`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  it('should take parameters and bodies from the request DTOs, with types, formats, enums and defaults', () => {
    const search = document.paths['/v1/search'].get.parameters ?? [];
    expect(search.find((p) => p.name === 'type')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'string', enum: expect.arrayContaining(['artist', 'album', 'track']) as unknown },
    });
    expect(search.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    });
    const playlist = document.paths['/v1/playlists/{id}'].get.parameters ?? [];
    expect(playlist).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', schema: { type: 'string', format: 'uuid' } }),
    ]);
    expect(document.components.schemas.LoginBody).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['email', 'password'],
      properties: { email: { type: 'string', format: 'email', maxLength: 254 }, password: { type: 'string' } },
    });
    // Lookups take include= as an array of their own kind's values.
    const include = (path: string) =>
      (document.paths[path].get.parameters ?? []).find((p: { name: string }) => p.name === 'include');
    expect(include('/v1/artists/{id}')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'array', items: { type: 'string', enum: ['aliases', 'relations', 'genres', 'tags'] } },
    });
    expect(include('/v1/tracks/{id}')).toMatchObject({
      schema: { items: { enum: ['aliases', 'credits', 'genres', 'tags'] } },
    });
    expect(document.components.schemas.Credit.properties).toHaveProperty('instruments');
    // DELETE /v1/me takes its password in a JSON body, not in the URL.
    expect(document.paths['/v1/me'].delete.parameters).toBeUndefined();
    expect(document.paths['/v1/me'].delete.requestBody).toBeDefined();
  });

  it('should declare bearerAuth exactly where the auth guard wants a user, and problem answers with Retry-After', () => {
    expect(document.paths['/v1/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/v1/admin/users'].get.responses).toHaveProperty('403');
    expect(document.paths['/v1/artists/{id}'].get.security).toEqual([]);
    expect(document.paths['/v1/playlists/{id}'].get.security).toEqual([{}, { bearerAuth: [] }]);
    expect(document.paths['/v1/auth/login'].post.responses).toHaveProperty('429');
    // What may reach a provider may meet the caller's spent provider budget.
    for (const [path, method] of [
      ['/v1/artists/{id}', 'get'],
      ['/v1/search', 'get'],
      ['/v1/tracks/{id}/genius', 'get'],
      ['/v1/artists/{id}/similar', 'get'],
      ['/v1/external-playlists/{id}/tracks', 'get'],
      ['/v1/me/favorites/{id}', 'put'],
      ['/v1/playlists/{id}/tracks', 'post'],
      ['/v1/me/plays', 'post'],
    ]) {
      expect([path, document.paths[path][method].responses['429']]).toEqual([
        path,
        { $ref: '#/components/responses/TooManyRequests' },
      ]);
    }
    expect(document.paths['/v1/auth/register'].post.responses).toHaveProperty('409');
    for (const name of ['TooManyRequests', 'ServiceUnavailable']) {
      expect(document.components.responses[name]).toMatchObject({
        headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      });
    }
  });

  it('should give the shapes the app really answers, over REST and gRPC alike', async () => {
    const http = request(app.httpUrl);
    expectDocumented('GET /v1/artists/{id}', await http.get(`/v1/artists/${DAFT_PUNK}`));
    const overGrpc = await grpcCall(catalogGrpc, 'GetArtist', { id: DAFT_PUNK });
    expect(overGrpc.error).toBeUndefined();
    expectDocumented('GET /v1/artists/{id}', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: overGrpc.response,
    } as unknown as request.Response);
    expectDocumented('GET /v1/albums/{id}', await http.get(`/v1/albums/${DISCOVERY}`));
    expectDocumented('GET /v1/tracks/{id}', await http.get(`/v1/tracks/${HBFS_DEEZER}`));
    expectDocumented('GET /v1/artists/{id}', await http.get(`/v1/artists/${DAFT_PUNK}?include=relations,aliases`));
    expectDocumented(
      'GET /v1/tracks/{id}',
      await http.get('/v1/tracks/musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b?include=credits'),
    );
    expectDocumented('GET /v1/tracks/{id}/links', await http.get(`/v1/tracks/${HBFS_DEEZER}/links`));
    expectDocumented('GET /v1/search', await http.get('/v1/search').query({ q: 'daft punk', type: 'artist' }));
    expectDocumented('GET /v1/providers', await http.get('/v1/providers'));
    expectDocumented(
      'GET /v1/artists/{id}',
      await http.get('/v1/artists/musicbrainz:00000000-0000-4000-8000-000000000000'),
    );
    expectDocumented('GET /v1/search', await http.get('/v1/search').query({ q: 'x', type: 'planet' }));

    const account = await registerRest(app.httpUrl);
    const auth = bearer(account.tokens.accessToken);
    expectDocumented(
      'POST /v1/auth/login',
      await http.post('/v1/auth/login').send({ email: account.user.email, password: 'correct horse battery' }),
    );
    expectDocumented('GET /v1/me', await http.get('/v1/me').set(auth));
    expectDocumented('GET /v1/me/sessions', await http.get('/v1/me/sessions').set(auth));
    expectDocumented('GET /v1/me', await http.get('/v1/me'));
    const created = await http.post('/v1/me/playlists').set(auth).send({ name: 'Road trip', isPublic: true });
    expectDocumented('POST /v1/me/playlists', created);
    const id = (created.body as { id: string }).id;
    expectDocumented(
      'POST /v1/playlists/{id}/tracks',
      await http
        .post(`/v1/playlists/${id}/tracks`)
        .set(auth)
        .send({ trackIds: [HBFS_DEEZER] }),
    );
    expectDocumented('GET /v1/playlists/{id}/tracks', await http.get(`/v1/playlists/${id}/tracks`));
    expectDocumented('POST /v1/me/plays', await http.post('/v1/me/plays').set(auth).send({ trackId: HBFS_DEEZER }));
    expectDocumented('GET /v1/me/history', await http.get('/v1/me/history').set(auth));
    expectDocumented('GET /v1/charts/tracks', await http.get('/v1/charts/tracks'));
  });

  it('should declare the members a problem adds: the providers a search or a lookup by code could not ask', async () => {
    fake.fault('/', { status: 500 });
    try {
      const http = request(app.httpUrl);
      const search = await http.get('/v1/search').query({ q: 'asked while every provider fails', type: 'album' });
      expect(search.status).toBe(503);
      expectDocumented('GET /v1/search', search);
      const byIsrc = await http.get('/v1/tracks/by-isrc/USRC17607839');
      expect(byIsrc.status).toBe(503);
      expectDocumented('GET /v1/tracks/by-isrc/{isrc}', byIsrc);
      expect((byIsrc.body as { failures: unknown[] }).failures).toContainEqual(
        expect.objectContaining({ source: 'musicbrainz', code: 'UPSTREAM_UNAVAILABLE' }),
      );
    } finally {
      fake.clearFaults();
    }
  });

  it('should generate a TypeScript client with openapi-typescript that typechecks against the real routes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-openapi-'));
    try {
      await run(process.execPath, [
        join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'),
        `${app.httpUrl}/docs-json`,
        '-o',
        join(dir, 'chorus.d.ts'),
      ]);
      await writeFile(
        join(dir, 'usage.ts'),
        `import type { paths } from './chorus';

type GetArtist = paths['/v1/artists/{id}']['get'];
type Search = paths['/v1/search']['get'];
type Login = paths['/v1/auth/login']['post'];

export const artistId: GetArtist['parameters']['path']['id'] = '${DAFT_PUNK}';
export const searchType: Search['parameters']['query']['type'] = 'album';
export const login: Login['requestBody']['content']['application/json'] = { email: 'ann@example.com', password: 'pw' };

export function nameOf(artist: GetArtist['responses'][200]['content']['application/json']): string {
  return artist.name ?? '';
}
export function accessTokenOf(answer: Login['responses'][200]['content']['application/json']): string | undefined {
  return answer.tokens?.accessToken;
}

// The types are real, not \`any\`: each line below must fail to compile.
// @ts-expect-error not one of the search types
export const wrongType: Search['parameters']['query']['type'] = 'planet';
// @ts-expect-error the body has no such field
export const wrongBody: Login['requestBody']['content']['application/json'] = { email: 'a@b.c', password: 'x', pin: 1 };
// @ts-expect-error an Artist has no such field
export const wrongField = (artist: GetArtist['responses'][200]['content']['application/json']) => artist.nickname;
`,
      );
      const tsc = require.resolve('typescript/bin/tsc');
      const options = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'commonjs'];
      // From the temp dir: with files on the command line, tsc refuses to run next to a tsconfig.json.
      const result = await run(process.execPath, [tsc, ...options, 'usage.ts'], { cwd: dir }).catch(
        (error: Error & { stdout?: string }) => ({ stdout: error.stdout || error.message }),
      );
      expect(result.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
