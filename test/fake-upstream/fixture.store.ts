import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The default set: `test/fixtures/<provider>/...json`, response bodies shaped as each provider answers. */
export const DEFAULT_FIXTURES_DIR = resolve(__dirname, '..', 'fixtures');

/** Turns a search text into a fixture file name: `Daft Punk` → `daft-punk`, `isrc:GBDUW0000059` → `isrc-gbduw0000059`. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Reads fixture files (cached) and lists fixture folders, for the fake upstream's routes. */
export class FixtureStore {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly dir: string = DEFAULT_FIXTURES_DIR) {}

  /** The parsed file `<dir>/<relative>`, or undefined when there is none (or the name tries to escape). */
  read(relative: string): unknown {
    if (relative.includes('..') || /[^A-Za-z0-9._/-]/.test(relative)) {
      return undefined;
    }
    if (!this.cache.has(relative)) {
      const file = join(this.dir, relative);
      this.cache.set(relative, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined);
    }
    return this.cache.get(relative);
  }

  /** Every parsed file of a folder (e.g. all Deezer tracks, to find one by ISRC). */
  all(folder: string): unknown[] {
    const dir = join(this.dir, folder);
    if (!existsSync(dir)) {
      return [];
    }
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => this.read(`${folder}/${name}`));
  }
}
