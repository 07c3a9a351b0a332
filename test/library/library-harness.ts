import type { Client } from '@grpc/grpc-js';
import { AUTH_TEST_SETTINGS, registerRest } from '../auth/auth-helpers';
import { FakeUpstream } from '../fake-upstream';
import { grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';
import { grpcLibrary, restLibrary, type LibraryApi } from './library-api';

export const HBFS = 'musicbrainz:7f1c1b1e-6d3a-4d1e-9a55-0e8c1f2d3a4b';
export const HBFS_DEEZER = 'deezer:3135556';
export const ONE_MORE_TIME = 'deezer:3135553';
export const DIE_WITH_A_SMILE = 'deezer:2947516331';
export const HBFS_SPOTIFY = 'spotify:5W3cjX2J3tjhG8zb6u0qHn';
export const DISCOVERY = 'musicbrainz:48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
export const DISCOVERY_DEEZER = 'deezer:302127';
export const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
export const DAFT_PUNK_DEEZER = 'deezer:27';
export const UNKNOWN_TRACK = 'deezer:123456789';
export const UNKNOWN_PLAYLIST = '00000000-0000-4000-8000-000000000000';

export interface User {
  id: string;
  token: string;
}

/** One app (both transports) on the fake upstream, with the library API on each transport. */
export class LibraryHarness {
  readonly fake = new FakeUpstream();
  sut!: TestApp;
  apis!: LibraryApi[];
  private grpc!: Client;

  async start(settings: Record<string, string> = {}): Promise<void> {
    await this.fake.start();
    this.sut = await bootTestApp(upstreamEnv(this.fake, { ...AUTH_TEST_SETTINGS, ...settings }));
    this.grpc = grpcClient(this.sut.grpcAddress, 'chorus.v1.LibraryService');
    this.apis = [restLibrary(this.sut.httpUrl), grpcLibrary(this.grpc)];
  }

  async stop(): Promise<void> {
    this.grpc.close();
    await this.sut.close();
    await this.fake.stop();
  }

  api(transport: 'rest' | 'grpc'): LibraryApi {
    return transport === 'rest' ? this.apis[0] : this.apis[1];
  }

  async user(): Promise<User> {
    const body = await registerRest(this.sut.httpUrl);
    return { id: body.user.id, token: body.tokens.accessToken };
  }
}
