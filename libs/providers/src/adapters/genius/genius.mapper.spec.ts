import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mapAnnotations, mapSearchHits, mapSong } from './genius.mapper';

/** Real api.genius.com answers recorded by others (test/fixtures/genius/SOURCES.md). */
function recorded(name: string): unknown {
  const dir = resolve(__dirname, '../../../../../test/fixtures/genius/recorded');
  return JSON.parse(readFileSync(resolve(dir, name), 'utf8')) as unknown;
}

describe('genius.mapper', () => {
  it('should read a recorded search whose hits carry no type (2015) as songs, in Genius order', () => {
    const hits = mapSearchHits(recorded('search-q-the-hills.json'));
    expect(hits).toHaveLength(20);
    expect(hits[0]).toEqual({
      id: 'genius:727466',
      title: 'The Hills',
      artistName: 'The Weeknd',
      url: 'http://genius.com/The-weeknd-the-hills-lyrics',
    });
    // Fuzzy: another artist's song of the same name comes back too.
    expect(hits.filter((hit) => hit.title === 'The Hills').map((hit) => hit.artistName)).toEqual([
      'The Weeknd',
      'St. Breeze',
    ]);
  });

  it('should keep only song hits when hits say their type', () => {
    const body = {
      meta: { status: 200 },
      response: {
        hits: [
          {
            highlights: [],
            index: 'song',
            type: 'song',
            result: { id: 1, title: 'A', url: 'u', primary_artist: { name: 'X' } },
          },
          { highlights: [], index: 'artist', type: 'artist', result: { id: 2, name: 'X', url: 'v' } },
        ],
      },
    };
    expect(mapSearchHits(body).map((hit) => hit.id)).toEqual(['genius:1']);
  });

  it('should read a recorded plain-text song: its description, no release date when Genius has none', () => {
    const song = mapSong(recorded('song-176872-versace-plain.json'));
    expect(song).toMatchObject({
      id: 'genius:176872',
      title: 'Versace',
      artistName: 'Migos',
      url: 'http://genius.com/Migos-versace-lyrics',
      releaseDate: undefined,
      releaseDateForDisplay: undefined,
    });
    expect(song.description).toMatch(/^After this Zaytoven-produced beat/);
  });

  it('should read the release date of a recorded song, and no description from a dom-only answer', () => {
    const song = mapSong(recorded('song-2872960-24k-magic-dom.json'));
    expect(song).toMatchObject({
      id: 'genius:2872960',
      artistName: 'Bruno Mars',
      releaseDate: '2016-10-07',
      releaseDateForDisplay: 'October 7, 2016',
    });
    // text_format=dom gives `description.dom` only; Chorus always asks plain.
    expect(song.description).toBeUndefined();
  });

  it('should take the date from release_date_components, as precise as it is, when release_date is null', () => {
    const song = (components: unknown) =>
      mapSong({
        meta: { status: 200 },
        response: {
          song: {
            id: 1,
            title: 'T',
            url: 'u',
            primary_artist: { name: 'A' },
            release_date: null,
            release_date_components: components,
          },
        },
      });
    expect(song({ year: 2013, month: 12, day: 17 }).releaseDate).toBe('2013-12-17');
    expect(song({ year: 2015, month: null, day: null }).releaseDate).toBe('2015');
    expect(song(null).releaseDate).toBeUndefined();
  });

  it('should read recorded referents: each annotation with its fragment, plain body, votes_total and url', () => {
    const annotations = mapAnnotations(recorded('referents-web-page-10347-plain.json'));
    expect(annotations).toHaveLength(10);
    expect(annotations[0]).toEqual({
      id: 'genius:6913377',
      fragment: 'Making Requests',
      body: expect.stringMatching(/^I made a Node client for the Genius API/),
      votes: 2,
      url: 'http://genius.com/6913377/docs.genius.com',
    });
    expect(annotations.some((annotation) => annotation.votes !== 0)).toBe(true);
  });
});
