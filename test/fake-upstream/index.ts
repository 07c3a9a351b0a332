export * from './fake-upstream.server';
export * from './fixture.store';
export { FakeImages, fakeImage } from './fake-images';
export type { FakeAnswer, FakeRequest } from './fake-upstream.routes';
export { FAKE_GENIUS_TOKEN } from './fake-genius';
