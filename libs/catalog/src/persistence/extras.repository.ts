import { Injectable } from '@nestjs/common';
import type { EntityExtras, ExtraPart } from '@app/providers';
import { SqlClient } from '@app/core';
import type { EntityKind } from '../domain/catalog-id';
import { toStored, type Stored, type StoredRow } from './stored';

/** The extra parts of entities (catalog_extras): one row per entity and part. */
@Injectable()
export class ExtrasRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The parts asked for, when every one of them is kept (freshness: the least fresh part's); else undefined. */
  async find(
    kind: EntityKind,
    publicId: string,
    parts: readonly ExtraPart[],
  ): Promise<Stored<EntityExtras> | undefined> {
    const rows = await this.sql.query<{ part: ExtraPart; data: unknown; expires_at: Date }>(
      `SELECT part, data, expires_at FROM catalog_extras WHERE kind = $1 AND public_id = $2 AND part = ANY($3::text[])`,
      [kind, publicId, parts],
    );
    if (rows.length < parts.length) {
      return undefined;
    }
    const value = Object.fromEntries(rows.map((row) => [row.part, row.data])) as EntityExtras;
    const expiresAt = new Date(Math.min(...rows.map((row) => row.expires_at.getTime())));
    return { value, expiresAt };
  }

  /** Every part of one answer, all or nothing. */
  async save(kind: EntityKind, publicId: string, extras: EntityExtras, expiresAt: Date): Promise<void> {
    const parts = Object.entries(extras).filter(([, data]) => data !== undefined);
    await this.sql.transaction(
      async (tx) => {
        for (const [part, data] of parts) {
          await tx.execute(
            `INSERT INTO catalog_extras (kind, public_id, part, data, expires_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (kind, public_id, part) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at,
               fetched_at = now()`,
            [kind, publicId, part, JSON.stringify(data), expiresAt],
          );
        }
      },
      { asyncCommit: true },
    );
  }

  /** One part kept apart from the include= parts (a track's Genius song), by its own name. */
  async findPart<T>(kind: EntityKind, publicId: string, part: string): Promise<Stored<T> | undefined> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT data, expires_at FROM catalog_extras WHERE kind = $1 AND public_id = $2 AND part = $3`,
      [kind, publicId, part],
    );
    return toStored<T>(rows[0]);
  }

  async savePart(kind: EntityKind, publicId: string, part: string, data: unknown, expiresAt: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO catalog_extras (kind, public_id, part, data, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, public_id, part) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at,
         fetched_at = now()`,
      [kind, publicId, part, JSON.stringify(data), expiresAt],
    );
  }

  /** Admin purge: the entity's extras go with it. */
  async delete(kind: EntityKind, publicId: string): Promise<number> {
    return this.sql.execute(`DELETE FROM catalog_extras WHERE kind = $1 AND public_id = $2`, [kind, publicId]);
  }
}
