import type { Image } from '../../domain/music.model';
import { JsonReader } from '../../upstream/json-reader';

/** The widths asked of Commons: the largest is the image, the others its thumbnails (as the cover proxy's sizes). */
export const COMMONS_WIDTHS = [1200, 500, 250] as const;

const RANK_ORDER: Readonly<Record<string, number>> = { preferred: 0, normal: 1 };

/**
 * The Commons file name of an entity's image (P18) in a `Special:EntityData/<Q>.json` answer: the statement of
 * the best rank (preferred, else normal; deprecated ones are wrong by definition), in Wikidata's order. The
 * entity is looked up by the asked id, else taken as the only one there, since a merged item answers under the
 * id it now redirects to. Undefined when the entity has no image.
 */
export function imageFileOf(json: unknown, id: string): string | undefined {
  const entities = JsonReader.of(json).obj('entities');
  const entity = entities.optObj(id) ?? soleEntity(entities, id);
  const statements = entity.optObj('claims')?.optList('P18') ?? [];
  const files = statements
    .map((statement) => ({ rank: RANK_ORDER[statement.optStr('rank') ?? 'normal'], file: fileOf(statement) }))
    .filter((s): s is { rank: number; file: string } => s.rank !== undefined && s.file !== undefined);
  files.sort((a, b) => a.rank - b.rank);
  return files[0]?.file;
}

function soleEntity(entities: JsonReader, id: string): JsonReader {
  const keys = entities.entries().map(([key]) => key);
  return entities.obj(keys.length === 1 ? keys[0] : id);
}

/** A `value` snak's string (`somevalue`/`novalue` snaks carry none). */
function fileOf(statement: JsonReader): string | undefined {
  const snak = statement.optObj('mainsnak');
  if (snak?.optStr('snaktype') !== 'value') {
    return undefined;
  }
  return snak.optObj('datavalue')?.optStr('value');
}

/** Commons `Special:FilePath` URL of a file at a width; Commons scales it and redirects to upload.wikimedia.org. */
export function commonsFileUrl(commonsBaseUrl: string, file: string, width: number): string {
  const name = encodeURIComponent(file.trim().replaceAll(' ', '_'));
  return `${commonsBaseUrl}/wiki/Special:FilePath/${name}?width=${width}`;
}

/** The file at the cover proxy's sizes: the largest as the image, the smaller as its thumbnails. */
export function commonsImages(commonsBaseUrl: string, file: string): Image[] {
  const [largest, ...smaller] = COMMONS_WIDTHS;
  const types = ['picture'];
  const thumbnails = smaller.map((width) => ({
    url: commonsFileUrl(commonsBaseUrl, file, width),
    width,
    types,
    thumbnails: [],
  }));
  return [{ url: commonsFileUrl(commonsBaseUrl, file, largest), width: largest, types, thumbnails }];
}
