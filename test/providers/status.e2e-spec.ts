import request from 'supertest';
import type { Client } from '@grpc/grpc-js';
import { FakeUpstream } from '../fake-upstream';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

interface StatusBody {
  providers: Array<{ name: string; enabled: boolean; breakerState: string; lastError?: string; lastErrorAt?: string }>;
}

describe('Provider status over REST and gRPC', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;
  let grpc: Client;

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(
      upstreamEnv(fake, { SPOTIFY_CLIENT_ID: '', SPOTIFY_CLIENT_SECRET: '', GENIUS_ACCESS_TOKEN: '' }),
    );
    grpc = grpcClient(sut.grpcAddress, 'chorus.v1.ProviderService');
  });

  afterAll(async () => {
    grpc.close();
    await sut.close();
    await fake.stop();
  });

  it('should list every provider, Spotify and Genius disabled without credentials, and the last error of a failing one', async () => {
    fake.fault('/deezer', { status: 500 });
    await request(sut.httpUrl).get('/v1/artists/deezer:27');
    const rest = await request(sut.httpUrl).get('/v1/providers');
    const rpc = await grpcCall<StatusBody>(grpc, 'GetServiceStatus', {});
    expect(rest.status).toBe(200);
    const body = rest.body as StatusBody;
    expect(body.providers.map((p) => p.name).sort()).toEqual(
      ['coverartarchive', 'deezer', 'genius', 'itunes', 'lrclib', 'musicbrainz', 'spotify', 'wikidata'].sort(),
    );
    expect(body.providers.find((p) => p.name === 'spotify')?.enabled).toBe(false);
    expect(body.providers.find((p) => p.name === 'genius')?.enabled).toBe(false);
    const deezer = body.providers.find((p) => p.name === 'deezer');
    expect(deezer?.lastError).toMatch(/deezer/i);
    expect(rpc.response?.providers.map((p) => p.name).sort()).toEqual(body.providers.map((p) => p.name).sort());
  });
});
