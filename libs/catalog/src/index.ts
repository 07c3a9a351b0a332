export * from './catalog.module';
export * from './catalog.settings';
export * from './ids/catalog-id';
export * from './lookups/lookup.service';
export * from './extras/resolve.service';
export * from './extras/links.service';
export * from './extras/url-parser';
export type { AlbumView } from './persistence/entity.repository';
export type { Answer, Freshness } from './read-path/read-through.service';
