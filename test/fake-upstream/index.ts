export * from './fake-upstream.server';
export * from './fixture.store';
export type { FakeAnswer, FakeRequest } from './fake-upstream.routes';
