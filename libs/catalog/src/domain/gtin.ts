import { DomainError } from '@app/core';

/**
 * A GTIN: UPC-A (12 digits), EAN-13 and GTIN-14 written with leading zeros are one code. Providers store it in
 * the spelling they were given (MusicBrainz and Deezer mostly 12 or 13 digits, iTunes and Spotify either), so
 * a lookup keys on the 14-digit form and asks each provider in every spelling the code has.
 */
export class Gtin {
  private constructor(
    /** The 14-digit form: the one key of this code. */
    readonly key: string,
  ) {}

  static parse(raw: string, field = 'barcode'): Gtin {
    const code = raw.trim();
    if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(code)) {
      throw DomainError.invalid(field, 'must be a GTIN: UPC-A (12 digits), EAN-13, EAN-8 or GTIN-14');
    }
    if (checkDigit(code.slice(0, -1)) !== Number(code.at(-1))) {
      throw DomainError.invalid(field, 'has a wrong check digit');
    }
    return new Gtin(code.padStart(14, '0'));
  }

  /** Undefined for text that is not a valid GTIN (a provider's stored barcode may be anything). */
  static tryParse(raw: string | undefined): Gtin | undefined {
    try {
      return raw ? Gtin.parse(raw) : undefined;
    } catch {
      return undefined;
    }
  }

  /** UPC-A when the code has one (two leading zeros in the 14-digit form), then EAN-13, then GTIN-14. */
  forms(): string[] {
    const spellings = [14 - 12, 14 - 13, 0]
      .filter((zeros) => zeros === 0 || this.key.startsWith('0'.repeat(zeros)))
      .map((zeros) => this.key.slice(zeros));
    return [...new Set(spellings)];
  }

  /** Whether a barcode as some provider spelled it is this code. */
  matches(raw: string | undefined): boolean {
    return Gtin.tryParse(raw)?.key === this.key;
  }
}

/** GS1 check digit: weights 3 and 1 alternating from the rightmost digit of the payload. */
function checkDigit(payload: string): number {
  const sum = [...payload].reverse().reduce((acc, digit, index) => acc + Number(digit) * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10;
}
