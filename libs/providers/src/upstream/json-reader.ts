/** Thrown when a provider answer does not have the structure an adapter relies on (an upstream error). */
export class UnexpectedShapeError extends Error {
  override readonly name = 'UnexpectedShapeError';
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A typed, tolerant view of a parsed JSON answer: required fields throw `UnexpectedShapeError` naming the
 * path; optional fields that are missing, null or of another type read as `undefined`, so unknown or
 * missing extras never break normalization.
 */
export class JsonReader {
  private constructor(
    private readonly data: Json,
    readonly path: string,
  ) {}

  static of(value: unknown, path = '$'): JsonReader {
    if (!isRecord(value)) {
      throw new UnexpectedShapeError(`${path} is not an object`);
    }
    return new JsonReader(value, path);
  }

  static list(value: unknown, path = '$'): JsonReader[] {
    if (!Array.isArray(value)) {
      throw new UnexpectedShapeError(`${path} is not an array`);
    }
    return value.filter(isRecord).map((item, index) => new JsonReader(item, `${path}[${index}]`));
  }

  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  /** A required id or name: a non-empty string, or a number (Deezer and iTunes ids), as a string. */
  id(key: string): string {
    const value = this.data[key];
    if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))) {
      return String(value);
    }
    throw new UnexpectedShapeError(`${this.path}.${key} is missing`);
  }

  str(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string') {
      throw new UnexpectedShapeError(`${this.path}.${key} is not a string`);
    }
    return value;
  }

  /** An optional string; empty strings read as undefined. */
  optStr(key: string): string | undefined {
    const value = this.data[key];
    if (typeof value === 'number' && Number.isFinite(value)) {
      return String(value);
    }
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  optNum(key: string): number | undefined {
    const value = this.data[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }

  optBool(key: string): boolean | undefined {
    const value = this.data[key];
    return typeof value === 'boolean' ? value : undefined;
  }

  strings(key: string): string[] {
    const value = this.data[key];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
  }

  obj(key: string): JsonReader {
    return JsonReader.of(this.data[key], `${this.path}.${key}`);
  }

  optObj(key: string): JsonReader | undefined {
    const value = this.data[key];
    return isRecord(value) ? new JsonReader(value, `${this.path}.${key}`) : undefined;
  }

  /** A required array of objects (non-object items are skipped). */
  list(key: string): JsonReader[] {
    return JsonReader.list(this.data[key], `${this.path}.${key}`);
  }

  /** An optional array of objects: missing or not an array reads as empty. */
  optList(key: string): JsonReader[] {
    const value = this.data[key];
    return Array.isArray(value) ? JsonReader.list(value, `${this.path}.${key}`) : [];
  }

  entries(): Array<[string, unknown]> {
    return Object.entries(this.data);
  }
}
