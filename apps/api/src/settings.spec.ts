import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredSettings } from '@app/core';
// Importing the app registers every lib's settings areas.
import './app.module';

/** Each setting must earn its place (issue 20): a new one means one of these goes, or a good reason here. */
const MAX_SETTINGS = 80;

function configurationSection(): string {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## Configuration');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

describe('declared settings', () => {
  const sut = declaredSettings();
  const names = sut.map((setting) => setting.name);

  it(`should number at most ${MAX_SETTINGS}, each declared once`, () => {
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThanOrEqual(MAX_SETTINGS);
  });

  // The count above is only as complete as this list: each lib's areas register when the app imports it.
  it('should include the areas of every lib', () => {
    const areas = new Set(sut.map((setting) => setting.area));
    const core = ['app', 'http', 'grpc', 'database', 'redis', 'metrics', 'tracing'];
    for (const area of [...core, 'providers', 'catalog', 'auth', 'library', 'health']) {
      expect({ area, declared: areas.has(area) }).toEqual({ area, declared: true });
    }
  });

  it("should all be in the README's configuration tables, which name no other", () => {
    const section = configurationSection();
    const documented = new Set<string>();
    for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
      for (const match of row.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)) {
        documented.add(match[1]);
      }
    }
    expect([...documented].filter((name) => !names.includes(name))).toEqual([]);
    expect(names.filter((name) => !documented.has(name))).toEqual([]);
  });
});
