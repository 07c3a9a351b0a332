export * from './library.module';
export * from './library.settings';
export type * from './domain/library.views';
