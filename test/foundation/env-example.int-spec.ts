import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { declaredSettings, resetSettingsCache, validateAllSettings } from '@app/core';
import { envExample, renderDefault } from '../../scripts/env-example';

const ROOT = resolve(__dirname, '..', '..');

describe('.env.example and chorus.example.yaml', () => {
  const settings = declaredSettings();

  it('.env.example should be what `npm run env:example` writes from the settings classes today', () => {
    expect(readFileSync(join(ROOT, '.env.example'), 'utf8')).toBe(envExample(ROOT));
  });

  it('.env.example should list every setting once, with its default and a meaning', () => {
    const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
    const listed = lines.flatMap((line, index) => {
      const match = /^#([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      return match ? [{ name: match[1], value: match[2], meaning: lines[index - 1] }] : [];
    });
    expect(listed.map((entry) => entry.name)).toEqual(settings.map((setting) => setting.name));
    for (const [index, setting] of settings.entries()) {
      expect(listed[index].value).toBe(renderDefault(setting.defaultValue));
      expect(listed[index].meaning).toMatch(/^# \S.{3,}/);
    }
  });

  it('chorus.example.yaml should name only settings, with values Chorus accepts', () => {
    const file = join(ROOT, 'chorus.example.yaml');
    const example = loadYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const names = new Set(settings.map((setting) => setting.name));
    expect(Object.keys(example).filter((key) => !names.has(key))).toEqual([]);
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env)) {
        if (names.has(key)) {
          delete process.env[key];
        }
      }
      // What the example says to give through the environment rather than the file.
      Object.assign(process.env, { CHORUS_CONFIG: file, AUTH_JWT_SECRET: 'x'.repeat(40) });
      resetSettingsCache();
      expect(() => validateAllSettings()).not.toThrow();
    } finally {
      process.env = saved;
      resetSettingsCache();
    }
  });
});
