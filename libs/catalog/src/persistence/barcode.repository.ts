import { Injectable } from '@nestjs/common';
import { SqlClient } from '@app/core';
import { toStored, type Stored, type StoredRow } from './stored';

/** Albums by UPC/EAN: through a release that carries the barcode, or an album linked to it directly. */
@Injectable()
export class BarcodeRepository {
  constructor(private readonly sql: SqlClient) {}

  /** By any spelling of the code (providers keep the one they were given). */
  async findAlbum<T>(spellings: readonly string[]): Promise<Stored<T> | undefined> {
    const rows = await this.sql.query<StoredRow>(
      `SELECT a.data, a.expires_at
         FROM catalog_barcodes b
         JOIN catalog_albums a ON a.complete AND (
           (b.kind = 'album' AND a.id = b.entity_id) OR
           (b.kind = 'release' AND a.id = (SELECT r.album_id FROM catalog_releases r WHERE r.id = b.entity_id)))
        WHERE b.barcode = ANY($1::text[])
        ORDER BY CASE a.source WHEN 'musicbrainz' THEN 0 ELSE 1 END, a.public_id
        LIMIT 1`,
      [spellings],
      { prepare: true },
    );
    return toStored<T>(rows[0]);
  }

  async link(barcode: string, albumPublicId: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO catalog_barcodes (barcode, kind, entity_id)
       SELECT $1, 'album', id FROM catalog_albums WHERE public_id = $2 ON CONFLICT DO NOTHING`,
      [barcode, albumPublicId],
    );
  }
}
