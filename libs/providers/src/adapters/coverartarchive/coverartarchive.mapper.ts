import type { CoverArt, Image } from '../../domain/music.model';
import { JsonReader } from '../../upstream/json-reader';
import { namespaced } from '../adapter.helpers';

/** Thumbnail keys: numeric sizes (250, 500, 1200) and the older `small` (250) / `large` (500). */
const NAMED_SIZES: Record<string, number> = { small: 250, large: 500 };

function thumbnails(r: JsonReader | undefined, types: string[]): Image[] {
  const bySize = new Map<number, string>();
  for (const [key, value] of r?.entries() ?? []) {
    const size = NAMED_SIZES[key] ?? Number(key);
    if (typeof value === 'string' && value !== '' && Number.isFinite(size) && !bySize.has(size)) {
      bySize.set(size, value);
    }
  }
  return [...bySize.entries()]
    .sort(([a], [b]) => a - b)
    .map(([size, url]) => ({ url, width: size, height: size, types, thumbnails: [] }));
}

function mapImage(r: JsonReader): Image {
  const types = r.strings('types');
  return {
    url: r.str('image'),
    types,
    front: r.optBool('front'),
    back: r.optBool('back'),
    comment: r.optStr('comment'),
    thumbnails: thumbnails(r.optObj('thumbnails'), types),
  };
}

/** `release` is the MusicBrainz release URL the images belong to. */
function releaseId(url: string | undefined): string | undefined {
  const match = url?.match(/\/release\/([0-9a-f-]{36})/i);
  return match ? namespaced('musicbrainz', match[1].toLowerCase()) : undefined;
}

export function mapCoverArt(json: unknown): CoverArt {
  const r = JsonReader.of(json);
  return { releaseId: releaseId(r.optStr('release')), images: r.list('images').map(mapImage) };
}
