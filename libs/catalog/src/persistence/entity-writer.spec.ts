import type { SqlOptions } from '@app/core';
import type { Artist, Track } from '@app/providers';
import { ASYNC_COMMIT, EntityWriter, type SqlTarget } from './entity-writer';

interface Sent {
  sql: string;
  params: unknown[];
  options?: SqlOptions;
}

/** Records the statements the writer builds; what PostgreSQL does with them is covered by test/catalog. */
function recorder(): SqlTarget & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    query: <T>(sql: string, params: unknown[], options?: SqlOptions): Promise<T[]> => {
      sent.push({ sql, params, options });
      return Promise.resolve([{ id: 'row-id' }] as T[]);
    },
  };
}

const bare: Artist = { id: 'deezer:1', name: 'Bare', genres: [], tags: [], images: [], urls: [], externalIds: {} };
const rich: Artist = {
  id: 'musicbrainz:a',
  name: 'Rich',
  genres: [{ name: 'house' }],
  tags: [{ name: 'french', count: 3 }],
  images: [{ url: 'https://img/1.jpg', width: 500, types: [], thumbnails: [] }],
  urls: [],
  externalIds: { musicbrainz: 'a', deezer: '27', barcode: '0724384960650' },
};

describe('EntityWriter.insertNew', () => {
  const expiresAt = new Date('2030-01-01T00:00:00Z');

  it('should build one prepared text per kind, whatever lookup rows the entity has', async () => {
    const target = recorder();
    await new EntityWriter(target, expiresAt).insertNew('artist', bare);
    await new EntityWriter(target, expiresAt).insertNew('artist', rich);

    expect(target.sent).toHaveLength(2);
    expect(target.sent[0].sql).toBe(target.sent[1].sql);
    expect(target.sent.map((s) => s.options)).toEqual([{ prepare: true }, { prepare: true }]);
    expect(target.sent[0].params).toHaveLength(target.sent[1].params.length);
  });

  it('should carry the lookup rows as parameters: empty for a bare entity, filled for a rich one', async () => {
    const target = recorder();
    await new EntityWriter(target, expiresAt).insertNew('artist', bare);
    await new EntityWriter(target, expiresAt).insertNew('artist', rich);
    const [bareParams, richParams] = target.sent.map((s) => s.params);

    expect(bareParams).toContain(null); // no barcode
    expect(bareParams).toContain('[]'); // no images
    expect(richParams).toContain('0724384960650');
    expect(richParams).toContainEqual(['deezer']);
    expect(richParams).toContainEqual(['house', 'french']);
  });

  it('should make its own transaction commit asynchronously only when asked', async () => {
    const target = recorder();
    await new EntityWriter(target, expiresAt).insertNew('artist', bare);
    await new EntityWriter(target, expiresAt, true).insertNew('artist', bare);

    expect(target.sent[0].sql).not.toContain('synchronous_commit');
    expect(target.sent[1].sql).toContain(ASYNC_COMMIT);
  });

  it('should give a track its ISRCs, upper-cased, instead of a barcode', async () => {
    const target = recorder();
    const track: Track = {
      id: 'deezer:3135556',
      title: 'Harder, Better, Faster, Stronger',
      isrcs: ['gbduw0000059'],
      artistCredit: [],
      images: [],
      externalIds: { deezer: '3135556', isrcs: ['GBDUW0000059'] },
    } as unknown as Track;
    await new EntityWriter(target, expiresAt).insertNew('track', track);

    expect(target.sent[0].sql).toContain('catalog_isrcs');
    expect(target.sent[0].sql).not.toContain('catalog_barcodes');
    expect(target.sent[0].params).toContainEqual(['GBDUW0000059']);
  });
});
