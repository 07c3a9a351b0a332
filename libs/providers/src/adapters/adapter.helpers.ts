import { DomainError } from '@app/core';
import type { ArtistCredit, Image, ProviderName, Tag } from '../domain/music.model';
import type { JsonReader } from '../upstream/json-reader';

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISRC = /^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/;
const BARCODE = /^[0-9]{6,14}$/;
const NUMERIC_ID = /^[0-9]{1,20}$/;
const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;

export function namespaced(provider: ProviderName, id: string): string {
  return `${provider}:${id}`;
}

/** Accepts an id with or without its namespace (`deezer:3135556` or `3135556`). */
function bare(provider: ProviderName, id: string): string {
  const prefix = `${provider}:`;
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}

function checked(provider: ProviderName, id: string, pattern: RegExp, expected: string, field = 'id'): string {
  const value = bare(provider, String(id ?? '').trim());
  if (!pattern.test(value)) {
    throw DomainError.invalid(field, `must be ${expected}`);
  }
  return value;
}

export function mbid(id: string, field = 'id'): string {
  return checked('musicbrainz', id, MBID, 'a MusicBrainz id (UUID)', field).toLowerCase();
}

export function numericId(provider: ProviderName, id: string, field = 'id'): string {
  return checked(provider, id, NUMERIC_ID, `a numeric ${provider} id`, field);
}

export function spotifyId(id: string, field = 'id'): string {
  return checked('spotify', id, SPOTIFY_ID, 'a Spotify id (22 base-62 characters)', field);
}

export function isrc(value: string, field = 'isrc'): string {
  const normalized = String(value ?? '')
    .replace(/-/g, '')
    .trim()
    .toUpperCase();
  if (!ISRC.test(normalized)) {
    throw DomainError.invalid(field, 'must be an ISRC (CC-XXX-YY-NNNNN)');
  }
  return normalized;
}

export function barcode(value: string, field = 'barcode'): string {
  const normalized = String(value ?? '').trim();
  if (!BARCODE.test(normalized)) {
    throw DomainError.invalid(field, 'must be a barcode of 6 to 14 digits');
  }
  return normalized;
}

export function requiredText(value: string | undefined, field: string): string {
  const text = (value ?? '').trim();
  if (text === '') {
    throw DomainError.invalid(field, 'must not be empty');
  }
  return text;
}

export function clampLimit(limit: number | undefined, max: number, fallback = 25): number {
  return Math.min(max, Math.max(1, Math.floor(limit ?? fallback)));
}

export function clampOffset(offset: number | undefined): number {
  return Math.max(0, Math.floor(offset ?? 0));
}

/** `2018-05-10T07:00:00Z` → `2018-05-10`; partial dates (`2014`, `2014-06`) are kept; empty → undefined. */
export function dateOnly(value: string | undefined): string | undefined {
  if (!value || value.startsWith('0000')) {
    return undefined;
  }
  return value.length > 10 ? value.slice(0, 10) : value;
}

export function tags(list: JsonReader[]): Tag[] {
  return list.flatMap((item) => {
    const name = item.optStr('name');
    return name ? [{ name, count: item.optNum('count') }] : [];
  });
}

/** Square images given as `[url, size]` pairs: the largest becomes the image, the rest its thumbnails. */
export function sizedImage(pairs: Array<[string | undefined, number]>, types: string[]): Image[] {
  const present = pairs.filter((pair): pair is [string, number] => typeof pair[0] === 'string' && pair[0] !== '');
  if (present.length === 0) {
    return [];
  }
  const sorted = [...present].sort((a, b) => b[1] - a[1]);
  const [[url, size], ...rest] = sorted;
  const thumbnails = rest.map(([thumb, px]) => ({ url: thumb, width: px, height: px, types, thumbnails: [] }));
  return [{ url, width: size, height: size, types, thumbnails }];
}

export function simpleCredit(provider: ProviderName, id: string | undefined, name: string): ArtistCredit {
  return { artist: { id: id ? namespaced(provider, id) : '', name }, name, joinPhrase: '' };
}

/** Joins credits the way platforms list several artists: "A, B & C". */
export function joinCredits(credits: ArtistCredit[]): ArtistCredit[] {
  return credits.map((credit, index) => ({
    ...credit,
    joinPhrase: index === credits.length - 1 ? '' : index === credits.length - 2 ? ' & ' : ', ',
  }));
}
