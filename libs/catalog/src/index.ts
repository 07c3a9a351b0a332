export * from './catalog.module';
export * from './catalog.settings';
export * from './domain/catalog-id';
export * from './application/lookup.service';
export * from './application/resolve.service';
export * from './application/links.service';
export * from './domain/url-parser';
export type { AlbumView } from './persistence/entity.repository';
// The catalog's persistence, for the integration specs that hold it against a migrated schema.
export { deleteLookups, EntityWriter } from './persistence/entity-writer';
export { EntityRepository } from './persistence/entity.repository';
export { ENTITY_TABLES, LOOKUP_TABLES, type LookupTable } from './persistence/lookup-tables';
export { CATALOG_METRIC } from './application/catalog.metrics';
export { CatalogRetention, SEARCH_STALE_KEEP_MS } from './application/catalog-retention';
