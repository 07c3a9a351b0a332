import type { SqlSession } from '@app/core';
import type { Album, Artist, Release, Track } from '@app/providers';
import { splitNamespacedId, type EntityKind } from '../domain/catalog-id';
import { deleteLookupRows, ENTITY_TABLES, insertLookupRows, LOOKUP_TABLES, type Writable } from './lookup-tables';

function columnsOf(kind: EntityKind, entity: Writable): Record<string, unknown> {
  switch (kind) {
    case 'artist': {
      const artist = entity as Artist;
      return { name: artist.name, sort_name: artist.sortName ?? null };
    }
    case 'album': {
      const album = entity as Album;
      return {
        title: album.title,
        primary_type: album.primaryType ?? null,
        first_release_date: album.firstReleaseDate ?? null,
      };
    }
    case 'release': {
      const release = entity as Release;
      return { title: release.title, release_date: release.date ?? null, barcode: release.barcode ?? null };
    }
    case 'track': {
      const track = entity as Track;
      return { title: track.title, duration_ms: track.durationMs ?? null };
    }
  }
}

/**
 * The upsert of one entity row. A partial row (a track seen on a release) never overwrites a complete one: then
 * no row comes back. `inserted` (xmax = 0: no earlier version of the row) tells a first-time row, which has no
 * lookup rows to clear, from a rewritten one. One text per kind, so it stays one prepared statement.
 */
function upsertOf(kind: EntityKind, names: string[]): string {
  const table = ENTITY_TABLES[kind];
  const updates = names.filter((n) => n !== 'source' && n !== 'public_id').map((n) => `${n} = EXCLUDED.${n}`);
  return `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_n, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT (public_id) DO UPDATE SET ${updates.join(', ')}, fetched_at = now()
      WHERE EXCLUDED.complete OR NOT ${table}.complete
    RETURNING id, xmax = 0 AS inserted`;
}

/**
 * Writes one entity and everything it is looked up by (external ids, ISRCs, barcode, credits, images, tags,
 * as LOOKUP_TABLES lists them): the entity row upserted, then per lookup table one INSERT … ON CONFLICT, all
 * inside the caller's transaction, so a failure anywhere leaves nothing half-written. A rewritten entity's old
 * lookup rows are cleared first.
 */
export class EntityWriter {
  constructor(
    private readonly tx: SqlSession,
    private readonly expiresAt: Date,
  ) {}

  /** The entity's row id. */
  async write(kind: EntityKind, entity: Writable, complete = true): Promise<string> {
    return (await this.upsert(kind, entity, complete)).id;
  }

  /**
   * `write`, also saying whether the row is new: nothing was kept under its id before, so nothing written
   * beside it (its cross-references) needs clearing.
   */
  async upsert(kind: EntityKind, entity: Writable, complete = true): Promise<{ id: string; inserted: boolean }> {
    const columns: Record<string, unknown> = {
      source: splitNamespacedId(entity.id).provider,
      public_id: entity.id,
      data: JSON.stringify(entity),
      expires_at: this.expiresAt,
      complete,
      ...columnsOf(kind, entity),
    };
    const rows = await this.tx.query<{ id: string; inserted: boolean }>(
      upsertOf(kind, Object.keys(columns)),
      Object.values(columns),
    );
    if (rows.length === 0) {
      // A complete row is kept as it is; the partial one only needed its id.
      return { id: await this.idOf(kind, entity.id), inserted: false };
    }
    const { id, inserted } = rows[0];
    if (!inserted) {
      await deleteLookups(this.tx, kind, [id]);
    }
    for (const table of LOOKUP_TABLES) {
      const insert = insertLookupRows(table, kind, id, entity);
      if (insert) {
        await this.tx.query(...insert);
      }
    }
    return { id, inserted };
  }

  private async idOf(kind: EntityKind, publicId: string): Promise<string> {
    const rows = await this.tx.query<{ id: string }>(`SELECT id FROM ${ENTITY_TABLES[kind]} WHERE public_id = $1`, [
      publicId,
    ]);
    return rows[0].id;
  }
}

/** Every lookup row of some entities of one kind (a rewrite, a purge). */
export async function deleteLookups(tx: SqlSession, kind: EntityKind, ids: string[]): Promise<void> {
  for (const table of LOOKUP_TABLES) {
    await tx.execute(...deleteLookupRows(table, kind, ids));
  }
}
