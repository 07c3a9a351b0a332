import { inspect } from 'node:util';

/**
 * A setting that must never be printed: JSON, string and inspect forms are redacted, so neither a boot error
 * line nor a logged settings object can carry it. Read it with `reveal()`.
 */
export class SecretValue {
  constructor(private readonly value: string) {}

  reveal(): string {
    return this.value;
  }

  get byteLength(): number {
    return Buffer.byteLength(this.value, 'utf8');
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
