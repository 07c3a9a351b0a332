/**
 * LrcLib as it answers: `/api/get` finds one record by its signature (track, artist, album when given,
 * duration ±2 s when given) or answers 404; `/api/search` lists every record whose fields contain the words
 * asked, near misses included, plus the recorded answer for that text (`lrclib/search/<slug>.json`) if any.
 * The records are `lrclib/get/*.json`.
 */

type Json = Record<string, unknown>;

const text = (record: Json, key: string): string => (typeof record[key] === 'string' ? record[key] : '');

/** Case, accents and punctuation aside, as LrcLib compares names. */
function loose(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function lrclibGet(records: unknown[], query: URLSearchParams): Json | undefined {
  const track = loose(query.get('track_name') ?? '');
  const artist = loose(query.get('artist_name') ?? '');
  const album = query.get('album_name');
  const duration = query.get('duration');
  return (records as Json[]).find(
    (record) =>
      loose(text(record, 'trackName')) === track &&
      loose(text(record, 'artistName')) === artist &&
      (album === null || loose(text(record, 'albumName')) === loose(album)) &&
      (duration === null || Math.abs(Number(record.duration) - Number(duration)) <= 2),
  );
}

export function lrclibSearch(records: unknown[], recorded: unknown, query: URLSearchParams): Json[] {
  const contains = (field: string, words: string | null) => !words || loose(field).includes(loose(words));
  const q = query.get('q');
  const found = (records as Json[]).filter((record) => {
    if (q) {
      const all = loose(`${text(record, 'trackName')} ${text(record, 'artistName')} ${text(record, 'albumName')}`);
      return loose(q)
        .split(' ')
        .every((word) => all.split(' ').includes(word));
    }
    return (
      contains(text(record, 'trackName'), query.get('track_name')) &&
      contains(text(record, 'artistName'), query.get('artist_name')) &&
      contains(text(record, 'albumName'), query.get('album_name'))
    );
  });
  const extra = Array.isArray(recorded) ? (recorded as Json[]) : [];
  const ids = new Set(found.map((record) => record.id));
  return [...found, ...extra.filter((record) => !ids.has(record.id))].slice(0, 20);
}
