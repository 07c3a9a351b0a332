import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { registerAs, type ConfigFactory } from '@nestjs/config';
import type { ConfigFactoryKeyHost } from '@nestjs/config';
import { load as loadYaml } from 'js-yaml';

export type SettingsClass<T> = new () => T;

/** Thrown at boot when a setting is missing or wrong; `main.ts` prints its message as the one line. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

type RawSettings = Record<string, string | undefined>;

let cachedRaw: RawSettings | undefined;

function readYamlFile(path: string): RawSettings {
  let parsed: unknown;
  try {
    parsed = loadYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SettingsError(`CHORUS_CONFIG: cannot read ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) {
    return {};
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SettingsError(`CHORUS_CONFIG: ${path} must be a mapping of SETTING_NAME: value`);
  }
  const out: RawSettings = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value !== null && typeof value === 'object') {
      throw new SettingsError(`CHORUS_CONFIG: ${path}: ${key} must be a scalar value`);
    }
    out[key] =
      value === null || value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * The only place Chorus reads the process environment: the YAML file named by CHORUS_CONFIG (if any),
 * overridden by environment variables, so an operator can patch one value without editing the file.
 */
export function rawSettings(): RawSettings {
  if (!cachedRaw) {
    const fromFile = process.env.CHORUS_CONFIG ? readYamlFile(process.env.CHORUS_CONFIG) : {};
    cachedRaw = { ...fromFile, ...process.env };
  }
  return cachedRaw;
}

/**
 * A value given to a one-off command through the environment (or the CHORUS_CONFIG file), such as the password
 * of `npm run user:create-admin`: read here because only this module reads the environment, and not a declared
 * setting because the app itself never uses it.
 */
export function commandInput(name: string): string | undefined {
  const value = rawSettings()[name];
  return value === undefined || value === '' ? undefined : value;
}

/** True when an operator gave the setting a value (environment or CHORUS_CONFIG), rather than relying on the default. */
export function isSettingSet(name: string): boolean {
  const value = rawSettings()[name];
  return value !== undefined && value !== '';
}

/** Tests change the environment between app instances; this drops the memoized copy. */
export function resetSettingsCache(): void {
  cachedRaw = undefined;
}

function firstViolation(errors: ValidationError[], raw: RawSettings): string {
  const error = errors[0];
  const messages = Object.values(error.constraints ?? {});
  return `${error.property} (${shownValue(error.value, raw[error.property])}): ${messages[0] ?? 'is invalid'}`;
}

/**
 * The text as given, since after implicit conversion "abc" is NaN, which JSON writes as null; but a value the
 * settings class turned into an object (a secret) shows only what its own toJSON allows, never the raw text.
 */
function shownValue(converted: unknown, given: string | undefined): string {
  if (converted !== null && typeof converted === 'object') {
    return JSON.stringify(converted);
  }
  if (given !== undefined && given !== '') {
    return JSON.stringify(given);
  }
  return converted === undefined ? 'unset' : JSON.stringify(converted);
}

export function parseSettings<T extends object>(cls: SettingsClass<T>, raw: RawSettings = rawSettings()): T {
  const defaults = new cls() as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = raw[key];
    input[key] = value === undefined || value === '' ? defaults[key] : value;
  }
  const instance = plainToInstance(cls, input, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new SettingsError(`Invalid setting ${firstViolation(errors, raw)}`);
  }
  return instance;
}

interface DeclaredArea {
  namespace: string;
  cls: SettingsClass<object>;
  factory: () => unknown;
}

/** Settings an area no longer has, each with what to do instead (the rest of the boot error line). */
export type RemovedSettings = Readonly<Record<string, string>>;

/** A removed setting left in place would otherwise be ignored silently, and the operator would think it still acts. */
function refuseRemoved(removed: RemovedSettings): void {
  for (const [name, instead] of Object.entries(removed)) {
    if (isSettingSet(name)) {
      throw new SettingsError(`${name} was removed: ${instead}`);
    }
  }
}

const registry: DeclaredArea[] = [];

/**
 * Declares one area's settings (a class whose property names are the env names and whose initial values are
 * the defaults), and the names it no longer has: given a value, those fail the boot with what to do instead.
 * Returns a `registerAs` factory for `ConfigModule.forFeature` / `@Inject(x.KEY)`.
 */
export function defineSettings<T extends object>(
  namespace: string,
  cls: SettingsClass<T>,
  removed: RemovedSettings = {},
): ConfigFactory<T> & ConfigFactoryKeyHost<T> {
  const factory = (): T => {
    refuseRemoved(removed);
    return parseSettings(cls);
  };
  registry.push({ namespace, cls, factory });
  return registerAs(namespace, factory);
}

/** Validates every declared area at once, so boot fails before anything starts listening. */
export function validateAllSettings(): void {
  for (const { factory } of registry) {
    factory();
  }
}

export interface DeclaredSetting {
  /** The area (`defineSettings` namespace) that declares it. */
  area: string;
  /** The env name. */
  name: string;
  /** The default, as the settings class initializes it. */
  defaultValue: unknown;
}

/** Every setting of every area declared so far (areas register when their lib is imported), in declaration order. */
export function declaredSettings(): DeclaredSetting[] {
  return registry.flatMap(({ namespace, cls }) =>
    Object.entries(new cls() as Record<string, unknown>).map(([name, defaultValue]) => ({
      area: namespace,
      name,
      defaultValue,
    })),
  );
}
