import { parseSettings } from '@app/core';
import { CatalogSettings, catalogTtls } from './catalog.settings';
import { DEFAULT_TTLS } from './domain/catalog-ttls';

describe(CatalogSettings.name, () => {
  it('should keep the default TTL of every kind the map does not name', () => {
    const sut = catalogTtls(parseSettings(CatalogSettings, { CATALOG_TTL_SECONDS: 'search=600, miss=5' }));

    expect(sut).toEqual({ ...DEFAULT_TTLS, search: 600, miss: 5 });
  });

  it('should refuse an unknown kind at boot with one line naming it', () => {
    const sut = (): unknown => parseSettings(CatalogSettings, { CATALOG_TTL_SECONDS: 'track=86400' });

    expect(sut).toThrow('Invalid setting CATALOG_TTL_SECONDS ("track=86400"): unknown kind "track" (known: entity,');
  });
});
