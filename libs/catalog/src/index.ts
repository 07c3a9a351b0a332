export * from './catalog.module';
export * from './catalog.settings';
export * from './domain/catalog-id';
export * from './application/lookup.service';
export * from './application/resolve.service';
export * from './application/links.service';
export * from './domain/url-parser';
export type { AlbumView } from './persistence/entity.repository';
export { CATALOG_METRIC } from './application/catalog.metrics';
