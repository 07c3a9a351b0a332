import type { FixtureStore } from './fixture.store';

/** `77<n as 4 digits>`: a generated Deezer playlist of n tracks (`770500` holds 500), for imports at scale. */
const GENERATED = /^77(\d{4})$/;
const TEMPLATE = '908622995';

/** Generated tracks' Deezer ids: `88<position as 8 digits>`, distinct from every fixture's. */
export function generatedDeezerTrackId(position: number): string {
  return `88${String(position).padStart(8, '0')}`;
}

function template(store: FixtureStore, file: string): Record<string, unknown> | undefined {
  const body = store.read(`deezer/playlist/${file}.json`);
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
}

/**
 * The head (`/playlist/<id>`) or the full track list (`<id>-tracks`, paged by the route) of a generated playlist,
 * in Deezer's shape: the recorded playlist's head and its first track, copied under new ids and titles.
 */
export function generatedDeezerPlaylist(store: FixtureStore, id: string, part: 'head' | 'tracks'): unknown {
  const match = GENERATED.exec(id);
  const head = template(store, TEMPLATE);
  const tracks = template(store, `${TEMPLATE}-tracks`);
  const first = (tracks?.data as Array<Record<string, unknown>> | undefined)?.[0];
  if (!match || !head || !first) {
    return undefined;
  }
  const count = Number(match[1]);
  if (part === 'head') {
    const link = `https://www.deezer.com/playlist/${id}`;
    return { ...head, id: Number(id), title: `Generated ${count}`, nb_tracks: count, link, tracks: { data: [] } };
  }
  const data = Array.from({ length: count }, (_v, i) => {
    const trackId = generatedDeezerTrackId(i);
    return { ...first, id: Number(trackId), title: `Track ${i}`, link: `https://www.deezer.com/track/${trackId}` };
  });
  return { data, total: count };
}
