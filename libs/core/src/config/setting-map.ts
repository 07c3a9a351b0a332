import { ValidateBy } from 'class-validator';
import { SettingsError } from './settings';

/** Why one value of a map setting is wrong ("must be ..."). */
export class MapValueProblem {
  constructor(readonly reason: string) {}
}

/** Reads one value of a map setting, or says why it cannot. */
export type MapValueParser<V> = (text: string) => V | MapValueProblem;

export interface SettingMapSpec<K extends string, V> {
  /** What a key names, for the error line ("provider", "kind"). */
  keyNoun: string;
  keys: readonly K[];
  parseValue: MapValueParser<V>;
}

type Parsed<K extends string, V> = { entries: Partial<Record<K, V>> } | { problem: string };

function parse<K extends string, V>(text: string, spec: SettingMapSpec<K, V>): Parsed<K, V> {
  const entries: Partial<Record<K, V>> = {};
  for (const entry of text.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') {
      continue;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0) {
      return { problem: `"${trimmed}" is not ${spec.keyNoun}=value` };
    }
    const key = trimmed.slice(0, equals).trim();
    // A stale or misspelt name would otherwise be ignored silently, leaving the default the operator meant to change.
    if (!(spec.keys as readonly string[]).includes(key)) {
      return { problem: `unknown ${spec.keyNoun} "${key}" (known: ${spec.keys.join(', ')})` };
    }
    const value = spec.parseValue(trimmed.slice(equals + 1).trim());
    if (value instanceof MapValueProblem) {
      return { problem: `${key} ${value.reason}` };
    }
    entries[key as K] = value;
  }
  return { entries };
}

/**
 * A map setting, `key=value,key=value`: the keys it names override the defaults of a typed table in code,
 * the others keep them. Throws SettingsError on a bad map (which boot validation has refused already).
 */
export function parseSettingMap<K extends string, V>(
  text: string,
  spec: SettingMapSpec<K, V>,
  defaults: Readonly<Record<K, V>>,
): Record<K, V> {
  const parsed = parse(text, spec);
  if ('problem' in parsed) {
    throw new SettingsError(parsed.problem);
  }
  return { ...defaults, ...parsed.entries };
}

/** The `key=value,...` text of a table, the inverse of parseSettingMap (for defaults and docs). */
export function formatSettingMap<K extends string, V>(
  table: Readonly<Record<K, V>>,
  formatValue: (value: V) => string = String,
): string {
  return (Object.entries(table) as Array<[K, V]>).map(([key, value]) => `${key}=${formatValue(value)}`).join(',');
}

/** Validates a map setting at boot: an unknown key or a bad value fails with one line naming it. */
export function MapSetting<K extends string, V>(spec: SettingMapSpec<K, V>): PropertyDecorator {
  const problemOf = (value: unknown): string | undefined => {
    if (typeof value !== 'string') {
      return `must be ${spec.keyNoun}=value pairs, comma-separated`;
    }
    const parsed = parse(value, spec);
    return 'problem' in parsed ? parsed.problem : undefined;
  };
  return ValidateBy({
    name: 'settingMap',
    validator: {
      validate: (value: unknown) => problemOf(value) === undefined,
      defaultMessage: (args) => problemOf(args?.value) ?? 'is invalid',
    },
  });
}

/** An integer within bounds, as a map value. */
export function intValue(min: number, max: number): MapValueParser<number> {
  return (text) => {
    const value = Number(text);
    return /^\d+$/.test(text) && value >= min && value <= max
      ? value
      : new MapValueProblem(`must be an integer between ${min} and ${max}`);
  };
}
