import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { HttpSettings } from '../config/core.settings';
import { AppLogger } from '../logging/app-logger.service';
import { MetricsService } from '../metrics/metrics.service';
import { MetricsSettings } from '../metrics/metrics.settings';
import { FakeClock } from '../time/fake-clock';
import { HttpCache } from './http-cache';
import { HttpCacheFront, type HttpCacheFrontDeps } from './http-cache.front';
import { HttpCacheMetrics } from './http-cache.metrics';

const URL_ASKED = '/v1/artists/musicbrainz:a?limit=05';
const KEY = '/v1/artists/:id?[["id","musicbrainz:a"]]';
const BODY = JSON.stringify({ id: 'musicbrainz:a', name: 'Daft Punk' });

/** A front door on a real socket; the "app" behind it answers 599 and counts what reached it. */
async function makeSut(overrides: Partial<HttpCacheFrontDeps> = {}) {
  const clock = new FakeClock();
  const metrics = new MetricsService(new MetricsSettings());
  const cache = new HttpCache(
    { ...new HttpSettings(), HTTP_CACHE_MAX_BYTES: 1024 * 1024 },
    clock,
    new HttpCacheMetrics(metrics),
  );
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const access = pino({ level: 'info' }, sink);
  const front = new HttpCacheFront();
  const reachedApp: string[] = [];
  const server: Server = front.serverFactory(
    (request, response) => {
      reachedApp.push(`${request.method} ${request.url}`);
      response.writeHead(599).end();
    },
    { keepAliveTimeout: 1_234 },
  );
  front.attach({
    cache,
    logger: new AppLogger(access, access),
    metrics,
    isDraining: () => false,
    corsEnabled: false,
    ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keep = (cacheControl = 'public, max-age=60'): void => {
    cache.rememberKey(URL_ASKED, KEY);
    cache.store(KEY, {
      status: 200,
      requestHeaders: {},
      responseHeaders: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': cacheControl,
        etag: 'W/"v1"',
        'cache-status': 'chorus-app; fwd=miss; stored',
      },
      payload: BODY,
      route: '/v1/artists/:id',
    });
  };
  const get = (init: RequestInit = {}, path = URL_ASKED) => fetch(`${base}${path}`, init);
  // fetch() adds `cache-control: no-cache` to a request with If-None-Match (the Fetch standard), which a cache
  // must not answer from a kept answer: a client revalidating its own copy sends no such directive.
  const raw = (headers: Record<string, string>) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
      httpRequest(`${base}${URL_ASKED}`, { headers }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      })
        .on('error', reject)
        .end();
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { server, clock, metrics, lines, reachedApp, keep, get, raw, close };
}

describe('HttpCacheFront', () => {
  let sut: Awaited<ReturnType<typeof makeSut>>;

  afterEach(async () => {
    await sut.close();
  });

  it('should answer a remembered URL with a fresh kept answer without reaching the app', async () => {
    sut = await makeSut();
    sut.keep();
    sut.clock.advance(3_000);

    const answer = await sut.get({ headers: { 'x-request-id': 'front-1' } });

    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(BODY);
    expect(answer.headers.get('age')).toBe('3');
    expect(answer.headers.get('x-request-id')).toBe('front-1');
    expect(answer.headers.get('cache-status')).toBe('chorus-app; fwd=miss; stored, chorus-http; hit');
    expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(BODY)));
    // The security headers of every API answer, though the kept answer does not carry them.
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(sut.reachedApp).toEqual([]);
  });

  it('should give each hit its own Age and request id, though hits of one answer share its header list', async () => {
    sut = await makeSut();
    sut.keep();

    const first = await sut.get({ headers: { 'x-request-id': 'front-1' } });
    sut.clock.advance(5_000);
    const second = await sut.get();
    const third = await sut.get({ headers: { 'x-request-id': 'front-3' } });

    expect([first, second, third].map((answer) => answer.headers.get('age'))).toEqual(['0', '5', '5']);
    expect(first.headers.get('x-request-id')).toBe('front-1');
    expect(second.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(third.headers.get('x-request-id')).toBe('front-3');
    expect(new Set([first, second, third].map((answer) => answer.headers.get('cache-status'))).size).toBe(1);
  });

  it('should count and log a hit under the route template, with a new request id when none was given', async () => {
    sut = await makeSut();
    sut.keep();

    const answer = await sut.get();

    const id = answer.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const text = await sut.metrics.registry.metrics();
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="GET",route="\/v1\/artists\/:id",status_code="200"\} 1/,
    );
    expect(sut.lines).toEqual([
      expect.objectContaining({ requestId: id, method: 'GET', route: '/v1/artists/:id', status: 200 }),
    ]);
  });

  it('should answer a matching If-None-Match with a 304 that describes no body, and HEAD without a body', async () => {
    sut = await makeSut();
    sut.keep();

    const notModified = await sut.raw({ 'if-none-match': '"other", W/"v1"' });
    expect(notModified.status).toBe(304);
    expect(notModified.headers['content-type']).toBeUndefined();
    expect(notModified.headers.etag).toBe('W/"v1"');

    const head = await sut.get({ method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(BODY)));
    expect(await head.text()).toBe('');
    expect(sut.reachedApp).toEqual([]);
  });

  it.each([
    ['credentials', { headers: { authorization: 'Bearer x' } }],
    ['a cookie', { headers: { cookie: 'a=b' } }],
    ['a body', { method: 'POST', body: '{}' }],
    ['a request for a fresh answer', { headers: { 'cache-control': 'no-cache' } }],
  ])('should hand a request with %s to the app', async (_case, init: RequestInit) => {
    sut = await makeSut();
    sut.keep();

    expect((await sut.get(init)).status).toBe(599);
    expect(sut.reachedApp).toHaveLength(1);
  });

  it('should hand to the app a URL it never mapped, an expired answer, a CORS request and any request while draining', async () => {
    let draining = false;
    sut = await makeSut({ corsEnabled: true, isDraining: () => draining });
    sut.keep('public, max-age=10');

    expect((await sut.get({}, '/v1/artists/musicbrainz:a?limit=5')).status).toBe(599);
    expect((await sut.get({ headers: { origin: 'https://app.example' } })).status).toBe(599);
    expect((await sut.get()).status).toBe(200);
    draining = true;
    expect((await sut.get()).status).toBe(599);
    draining = false;
    sut.clock.advance(10_000);
    expect((await sut.get()).status).toBe(599);
    expect(sut.reachedApp).toHaveLength(4);
  });

  it('should give its server the timeouts Fastify gives a server it makes itself', async () => {
    sut = await makeSut();

    expect(sut.server.keepAliveTimeout).toBe(1_234);
  });
});
