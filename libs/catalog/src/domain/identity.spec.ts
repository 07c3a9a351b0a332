import { urlRelReferences, withReferences } from './identity';

const MB = 'musicbrainz:5b11f4ce-a62d-471e-81fc-a69a8278c7da';
const URLS = [
  { type: 'free streaming', url: 'https://www.deezer.com/artist/415' },
  { type: 'discogs', url: 'https://www.discogs.com/artist/125246' },
];

describe(urlRelReferences.name, () => {
  it("should turn a MusicBrainz entity's URL relations into certain references with their evidence", () => {
    expect(urlRelReferences('artist', MB, URLS)).toEqual([
      expect.objectContaining({ platform: 'deezer', id: 'deezer:415', matchedBy: 'url-rel', confidence: 1 }),
      expect.objectContaining({
        platform: 'discogs',
        id: 'discogs:125246',
        evidence: [`MusicBrainz URL relation ${URLS[1].url}`],
      }),
    ]);
  });

  it("should not read another platform's own links as URL relations", () => {
    expect(urlRelReferences('artist', 'deezer:415', URLS)).toEqual([]);
  });
});

describe(withReferences.name, () => {
  it('should keep the entity its own id and take the most confident reference of each other platform', () => {
    const ids = withReferences({ deezer: '415' }, 'deezer:415', [
      { platform: 'deezer', id: 'deezer:415', matchedBy: 'source', confidence: 1, evidence: [] },
      { platform: 'deezer', id: 'deezer:999', matchedBy: 'name', confidence: 0.9, evidence: [] },
      { platform: 'spotify', id: 'spotify:aaaaaaaaaaaaaaaaaaaaaa', matchedBy: 'name', confidence: 0.9, evidence: [] },
      { platform: 'spotify', id: 'spotify:bbbbbbbbbbbbbbbbbbbbbb', matchedBy: 'url-rel', confidence: 1, evidence: [] },
    ]);
    expect(ids).toMatchObject({ deezer: '415', spotify: 'bbbbbbbbbbbbbbbbbbbbbb' });
    expect(ids.references).toHaveLength(4);
  });
});
