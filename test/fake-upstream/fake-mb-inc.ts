/**
 * A MusicBrainz lookup carries only what its `inc=` asked for: aliases, genres, tags, label-info and each kind of
 * relation (`url-rels`, `artist-rels`, `work-rels`…; a work's own relations only with `work-level-rels`). The
 * fixtures hold everything; this trims them as the real service would answer.
 */
const PARTS: Readonly<Record<string, string>> = {
  aliases: 'aliases',
  genres: 'genres',
  tags: 'tags',
  'label-info': 'labels',
};

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function relationsOf(value: unknown, inc: ReadonlySet<string>): unknown[] {
  const relations = Array.isArray(value) ? value : [];
  return relations.filter(isRecord).flatMap((relation) => {
    const targetType = relation['target-type'];
    const target = typeof targetType === 'string' ? targetType : '';
    if (!inc.has(`${target}-rels`)) {
      return [];
    }
    const work = relation.work;
    if (target === 'work' && isRecord(work)) {
      const { relations: workRelations, ...rest } = work;
      const kept = inc.has('work-level-rels') ? { ...rest, relations: relationsOf(workRelations, inc) } : rest;
      return [{ ...relation, work: kept }];
    }
    return [relation];
  });
}

export function answerInc(body: unknown, incParam: string | null): unknown {
  if (!isRecord(body)) {
    return body;
  }
  const inc = new Set((incParam ?? '').split(/[\s+]+/).filter((value) => value !== ''));
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (key in PARTS) {
      if (inc.has(PARTS[key])) {
        out[key] = value;
      }
    } else if (key === 'relations') {
      const kept = relationsOf(value, inc);
      if ([...inc].some((value) => value.endsWith('-rels'))) {
        out[key] = kept;
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}
