import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSettings } from '@app/core';
import { CatalogSettings } from '../catalog.settings';
import { CoverFileStore } from './cover-file.store';

const key = (n: number): string => String(n).padStart(32, '0');
const hash = (n: number): string => String(n).padStart(64, 'a');

function storeIn(dir: string, budget: number): CoverFileStore {
  return new CoverFileStore(
    Object.assign(new DatabaseSettings(), { DATA_DIR: dir }),
    Object.assign(new CatalogSettings(), { CATALOG_COVER_CACHE_MAX_BYTES: budget }),
  );
}

async function put(sut: CoverFileStore, n: number, size: number): Promise<void> {
  const temp = await sut.tempPath();
  writeFileSync(temp, Buffer.alloc(size));
  await sut.commit(key(n), temp, hash(n), 'image/jpeg', size);
}

describe(CoverFileStore.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cover-store-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should evict the least recently used images by bytes, never the one just added', async () => {
    const sut = storeIn(dir, 250);
    await put(sut, 1, 100);
    await put(sut, 2, 100);
    sut.get(key(1));
    await put(sut, 3, 100);

    expect(sut.get(key(2))).toBeUndefined();
    expect(sut.get(key(1))).toBeDefined();
    expect(sut.get(key(3))).toBeDefined();
    expect(sut.usedBytes).toBe(200);
  });

  it('should rebuild its index from the folder, oldest first, dropping unfinished downloads', async () => {
    const first = storeIn(dir, 1_000);
    await put(first, 1, 100);
    await put(first, 2, 100);
    const covers = join(dir, 'covers');
    utimesSync(join(covers, `${key(1)}.${hash(1)}.jpeg`), new Date(1_000), new Date(1_000));
    writeFileSync(join(covers, '.tmp-leftover'), 'half');

    const sut = storeIn(dir, 150);
    await sut.rebuild();

    expect(sut.count).toBe(1);
    expect(sut.get(key(2))).toMatchObject({ hash: hash(2), contentType: 'image/jpeg', size: 100 });
    expect(sut.get(key(1))).toBeUndefined();
  });
});
