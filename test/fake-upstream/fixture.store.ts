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

/** The album that generated albums are copies of (Discovery), and its release. */
const TEMPLATE_ALBUM = '48117b82-8b3f-4b5c-8d47-0b7d7d5b3a2f';
const TEMPLATE_RELEASE = '5f2a7e3c-1b4d-4c8e-9a6f-2d3b4c5e6f70';
const GENERATED =
  /^(musicbrainz|coverartarchive)\/(release-group|release)\/c0ffee0[01]-0000-4000-8000-([0-9a-f]{12})\.json$/;

/** A generated album id (`c0ffee00-0000-4000-8000-<n as 12 hex digits>`), for tests that need many albums. */
export function generatedAlbumId(n: number): string {
  return `c0ffee00-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
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
    return this.cache.get(relative) ?? this.generated(relative);
  }

  /**
   * A generated album (`generatedAlbumId`) and its release (`c0ffee01-…` with the same suffix): the template's
   * release group, release and cover art under the new ids, so each album has its own image URLs.
   */
  private generated(relative: string): unknown {
    const match = GENERATED.exec(relative);
    if (!match) {
      return undefined;
    }
    const [, provider, kind, suffix] = match as unknown as [string, string, string, string];
    const id = kind === 'release' ? TEMPLATE_RELEASE : TEMPLATE_ALBUM;
    const file = join(this.dir, provider, kind, `${id}.json`);
    if (!existsSync(file)) {
      return undefined;
    }
    const template = readFileSync(file, 'utf8');
    return JSON.parse(
      template
        .replaceAll(TEMPLATE_ALBUM, `c0ffee00-0000-4000-8000-${suffix}`)
        .replaceAll(TEMPLATE_RELEASE, `c0ffee01-0000-4000-8000-${suffix}`),
    ) as unknown;
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
