import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { FakeUpstream, type Fault } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { eventually } from './resilience-helpers';

jest.setTimeout(60_000);

const STORED = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const COLD = 'musicbrainz:650e7db6-b795-4eb5-a702-5ea2fc46c848';
/** An id the fake provider does not know: a cold lookup each time, answered NOT_FOUND when healthy. */
const unknownId = (): string => `musicbrainz:${randomUUID()}`;

const FAULTS: Array<[string, Fault]> = [
  ['slow past the timeout', { latencyMs: 1_200 }],
  ['500 storm', { status: 500 }],
  ['503', { status: 503 }],
  ['429 with Retry-After', { status: 429, retryAfter: 7 }],
  ['malformed body', { malformed: true }],
  ['truncated body', { truncated: true }],
  ['oversized body', { oversizedBytes: 64 * 1024 }],
  ['connection reset', { reset: true }],
];

async function breakerState(url: string): Promise<string> {
  const body = (await request(url).get('/v1/providers')).body as {
    providers: Array<{ name: string; breakerState: string }>;
  };
  return body.providers.find((p) => p.name === 'musicbrainz')?.breakerState ?? 'unknown';
}

describe('Provider faults end to end', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(
      upstreamEnv(fake, {
        PROVIDER_TIMEOUTS_MS: 'musicbrainz=500',
        PROVIDER_MAX_RESPONSE_BYTES: '16384',
        PROVIDER_BREAKER_FAILURES: '3',
        PROVIDER_BREAKER_HALF_OPEN_AFTER_MS: '500',
        CATALOG_TTL_SECONDS: 'entity=1',
      }),
    );
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.CatalogService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  it.each(FAULTS)('should answer a cold lookup during a %s with 503/504, never a 500', async (_name, fault) => {
    fake.reset();
    fake.fault('/musicbrainz', { ...fault, times: 1 });
    const rest = await request(sut.httpUrl).get(`/v1/artists/${unknownId()}`);
    expect([rest.status, rest.body.code]).toEqual([
      expect.any(Number),
      expect.stringMatching(/^(UPSTREAM_UNAVAILABLE|UPSTREAM_TIMEOUT)$/),
    ]);
    expect([503, 504]).toContain(rest.status);
    if (rest.status === 503) {
      expect(Number(rest.headers['retry-after'])).toBeGreaterThan(0);
    }
    fake.fault('/musicbrainz', { ...fault, times: 1 });
    const rpc = await grpcCall(grpc, 'GetArtist', { id: unknownId() });
    expect([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]).toContain(rpc.error?.code);
    // Healthy again: an unknown id is a clean NOT_FOUND (and resets the breaker's failure count).
    fake.clearFaults();
    await eventually(
      async () => (await request(sut.httpUrl).get(`/v1/artists/${unknownId()}`)).status === 404,
      'provider answering again',
    );
  });

  it('should open the breaker on a storm, serve stale data meanwhile, and recover once the provider is back', async () => {
    fake.reset();
    expect((await request(sut.httpUrl).get(`/v1/artists/${STORED}`)).status).toBe(200);
    fake.fault('/musicbrainz', { status: 500 });
    // Stored but past its TTL: answered from the catalog, marked stale, while the refresh fails behind it.
    await eventually(
      async () => (await request(sut.httpUrl).get(`/v1/artists/${STORED}`)).headers['x-cache'] === 'STALE',
      'stale answer',
    );
    const stale = await request(sut.httpUrl).get(`/v1/artists/${STORED}`);
    expect([stale.status, stale.body.name]).toEqual([200, 'Daft Punk']);
    for (let i = 0; i < 4; i += 1) {
      expect((await request(sut.httpUrl).get(`/v1/artists/${COLD}`)).status).toBe(503);
    }
    expect(await breakerState(sut.httpUrl)).toBe('open');
    const callsWhileOpen = fake.count('/musicbrainz');
    const shortCircuited = await request(sut.httpUrl).get(`/v1/artists/${COLD}`);
    expect([shortCircuited.status, fake.count('/musicbrainz')]).toEqual([503, callsWhileOpen]);

    fake.clearFaults();
    await eventually(
      async () => (await request(sut.httpUrl).get(`/v1/artists/${COLD}`)).status === 200,
      'recovered lookup',
    );
    expect(await breakerState(sut.httpUrl)).toBe('closed');
  });
});
