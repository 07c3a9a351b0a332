import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { bootSecuredApp, INTERNAL_LEAK, type SecuredApp } from './security-helpers';

jest.setTimeout(60_000);

const ORIGIN = 'https://app.example.com';

function expectSecurityHeaders(headers: Record<string, string>, what: string, page: 'api' | 'docs'): void {
  expect([what, headers['x-content-type-options']]).toEqual([what, 'nosniff']);
  expect([what, headers['x-frame-options']]).toEqual([what, page === 'api' ? 'DENY' : 'SAMEORIGIN']);
  expect([what, headers['referrer-policy']]).toEqual([what, 'no-referrer']);
  expect([what, headers['strict-transport-security']]).toEqual([what, expect.stringContaining('max-age=')]);
  // JSON loads nothing: the strictest policy. Swagger UI needs its own scripts and styles.
  const defaultSrc = page === 'api' ? "default-src 'none'" : "default-src 'self'";
  expect([what, headers['content-security-policy']]).toEqual([what, expect.stringContaining(defaultSrc)]);
  expect([what, headers['content-security-policy']]).toEqual([what, expect.stringContaining("frame-ancestors 'none'")]);
  expect([what, headers['content-security-policy']]).toEqual([what, expect.not.stringContaining('upgrade-insecure')]);
  expect([what, headers['x-powered-by']]).toEqual([what, undefined]);
}

/** The header table that follows `marker` in SECURITY.md's Headers section, as lower-case name → value. */
function claimedHeaders(marker: string): Map<string, string> {
  const text = readFileSync(resolve(__dirname, '..', '..', 'SECURITY.md'), 'utf8');
  const section = text.split('\n## Headers\n')[1]?.split('\n## ')[0] ?? '';
  const after = section.split(marker)[1] ?? '';
  const table = after.slice(after.indexOf('\n|')).split('\n\n')[0];
  const rows = [...table.matchAll(/^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|$/gm)];
  return new Map(rows.map(([, name, value]) => [name.toLowerCase(), value]));
}

describe('HTTP hardening', () => {
  let closed: SecuredApp;
  let open: SecuredApp;

  beforeAll(async () => {
    // One after the other: bootTestApp reads settings from process.env, which both would share.
    closed = await bootSecuredApp({ HTTP_CORS_ORIGINS: '' });
    open = await bootSecuredApp({ HTTP_CORS_ORIGINS: `${ORIGIN}, https://x.dev` });
  });

  afterAll(async () => {
    await Promise.all([closed?.close(), open?.close()]);
  });

  it('should send security headers on answers, errors and the docs', async () => {
    const url = closed.app.httpUrl;
    const answers = {
      ok: await request(url).get('/v1/providers'),
      notFound: await request(url).get('/v1/nothing-here'),
      invalid: await request(url).get('/v1/artists/not-an-id'),
      unauthenticated: await request(url).get('/v1/me'),
      badJson: await request(url).post('/v1/auth/login').set('content-type', 'application/json').send('{"email":'),
      // Refused by Fastify before routing, where no onRequest hook runs.
      longParam: await request(url).get(`/v1/artists/${'a'.repeat(150)}`),
      badUrl: await request(url).get('/v1/artists/%E0%A4%A'),
    };
    expect([answers.longParam.status, answers.badUrl.status]).toEqual([414, 400]);
    for (const [what, response] of Object.entries(answers)) {
      expectSecurityHeaders(response.headers, what, 'api');
    }
    expectSecurityHeaders((await request(url).get('/docs')).headers, 'docs', 'docs');
    expectSecurityHeaders((await request(url).get('/docs-json')).headers, 'docs-json', 'docs');
  });

  it('should send exactly the headers SECURITY.md claims, on API answers and on the docs', async () => {
    const url = closed.app.httpUrl;
    const api = claimedHeaders('**API answers**');
    const docs = claimedHeaders('**Swagger UI and its documents**');
    expect(api.size).toBeGreaterThanOrEqual(5);
    expect(docs.size).toBeGreaterThanOrEqual(5);
    const known = new Set([...api.keys(), ...docs.keys()]);
    const pick = (headers: Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(headers).filter(([name]) => known.has(name)));
    const answers = {
      ok: await request(url).get('/v1/providers'),
      notFound: await request(url).get('/v1/nothing-here'),
      unauthenticated: await request(url).get('/v1/me'),
      invalid: await request(url).get('/v1/artists/not-an-id'),
      longParam: await request(url).get(`/v1/artists/${'a'.repeat(150)}`),
      badUrl: await request(url).get('/v1/artists/%E0%A4%A'),
    };
    for (const [what, response] of Object.entries(answers)) {
      expect([what, pick(response.headers)]).toEqual([what, Object.fromEntries(api)]);
    }
    for (const path of ['/docs', '/docs-json', '/docs-yaml']) {
      const response = await request(url).get(path);
      expect([path, response.status, pick(response.headers)]).toEqual([path, 200, Object.fromEntries(docs)]);
    }
  });

  it('should keep Swagger UI working under the CSP: only same-origin scripts, no inline script', async () => {
    const url = closed.app.httpUrl;
    const html = (await request(url).get('/docs')).text;
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src=['"](\.\/docs\/|\/docs\/|\.\/)?[\w.-]+\.js['"]/);
      expect(body.trim()).toBe('');
    }
    for (const [, src] of html.matchAll(/src=['"]([^'"]+)['"]/g)) {
      // Resolved as the browser does, against the page URL /docs.
      const asset = await request(url).get(new URL(src, `${url}/docs`).pathname);
      expect([src, asset.status]).toEqual([src, 200]);
    }
    expect((await request(url).get('/docs-json')).status).toBe(200);
  });

  it('should send no CORS headers by default, so browsers refuse cross-origin calls', async () => {
    const url = closed.app.httpUrl;
    const simple = await request(url).get('/v1/providers').set('origin', ORIGIN);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(url)
      .options('/v1/me')
      .set('origin', ORIGIN)
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });

  it('should allow exactly the origins named in HTTP_CORS_ORIGINS', async () => {
    const url = open.app.httpUrl;
    const preflight = await request(url)
      .options('/v1/me')
      .set('origin', ORIGIN)
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization');
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const allowed = await request(url).get('/v1/providers').set('origin', 'https://x.dev');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://x.dev');
    const other = await request(url).get('/v1/providers').set('origin', 'https://evil.example.net');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('should answer errors as problem documents without stack traces or internal messages', async () => {
    const url = closed.app.httpUrl;
    const answers = [
      await request(url).get('/v1/nothing-here'),
      await request(url).delete('/v1/providers'),
      await request(url).get('/v1/artists/not-an-id'),
      await request(url).get('/v1/me').set('authorization', 'Bearer a.b.c'),
      await request(url).post('/v1/auth/login').set('content-type', 'application/json').send('{"email":'),
      await request(url).post('/v1/auth/login').set('content-type', 'application/xml').send('<x/>'),
      await request(url).post('/v1/auth/login').send({ email: 'nobody@example.com', password: 'wrong password' }),
      await request(url).get(`/v1/artists/${'a'.repeat(300)}`),
    ];
    for (const answer of answers) {
      expect([answer.status >= 400 && answer.status < 500, answer.headers['content-type']]).toEqual([
        true,
        expect.stringContaining('application/problem+json'),
      ]);
      const body = JSON.parse(answer.text) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(
        expect.arrayContaining(['code', 'detail', 'requestId', 'status', 'title', 'type']),
      );
      expect([answer.text, INTERNAL_LEAK.test(answer.text)]).toEqual([answer.text, false]);
      expect(body).not.toHaveProperty('stack');
    }
  });
});
