import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import type { Outcome } from '../auth/auth-api';
import { grpcCall } from '../support/grpc-client';

export { expectError, expectOk, type Outcome } from '../auth/auth-api';

export type LibraryOperation =
  | 'addFavorite'
  | 'removeFavorite'
  | 'listFavorites'
  | 'createPlaylist'
  | 'listMyPlaylists'
  | 'importPlaylist'
  | 'getImport'
  | 'listImports'
  | 'getPlaylist'
  | 'updatePlaylist'
  | 'deletePlaylist'
  | 'listPlaylistTracks'
  | 'addPlaylistTracks'
  | 'removePlaylistTrack'
  | 'movePlaylistTrack'
  | 'recordPlay'
  | 'listHistory'
  | 'deletePlay'
  | 'clearHistory'
  | 'trackChart'
  | 'artistChart';

type Body = Record<string, unknown>;

interface RestRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path, and which body fields it carries (they are not sent again in the query or body). */
  path: (body: Body) => string;
  inPath: string[];
  /** Sent as the query string even on a non-GET (e.g. the favorite's type on PUT/DELETE). */
  query?: boolean;
  grpc: string;
}

const enc = (value: unknown): string => encodeURIComponent(String(value));

const ROUTES: Record<LibraryOperation, RestRoute> = {
  addFavorite: { method: 'put', path: (b) => `/v1/me/favorites/${enc(b.id)}`, inPath: ['id'], grpc: 'AddFavorite' },
  removeFavorite: {
    method: 'delete',
    path: (b) => `/v1/me/favorites/${enc(b.id)}`,
    inPath: ['id'],
    query: true,
    grpc: 'RemoveFavorite',
  },
  listFavorites: { method: 'get', path: () => '/v1/me/favorites', inPath: [], grpc: 'ListFavorites' },
  createPlaylist: { method: 'post', path: () => '/v1/me/playlists', inPath: [], grpc: 'CreatePlaylist' },
  listMyPlaylists: { method: 'get', path: () => '/v1/me/playlists', inPath: [], grpc: 'ListMyPlaylists' },
  importPlaylist: { method: 'post', path: () => '/v1/me/playlists/import', inPath: [], grpc: 'StartPlaylistImport' },
  getImport: { method: 'get', path: (b) => `/v1/me/imports/${enc(b.id)}`, inPath: ['id'], grpc: 'GetPlaylistImport' },
  listImports: { method: 'get', path: () => '/v1/me/imports', inPath: [], grpc: 'ListPlaylistImports' },
  getPlaylist: { method: 'get', path: (b) => `/v1/playlists/${enc(b.id)}`, inPath: ['id'], grpc: 'GetPlaylist' },
  updatePlaylist: {
    method: 'patch',
    path: (b) => `/v1/playlists/${enc(b.id)}`,
    inPath: ['id'],
    grpc: 'UpdatePlaylist',
  },
  deletePlaylist: {
    method: 'delete',
    path: (b) => `/v1/playlists/${enc(b.id)}`,
    inPath: ['id'],
    grpc: 'DeletePlaylist',
  },
  listPlaylistTracks: {
    method: 'get',
    path: (b) => `/v1/playlists/${enc(b.id)}/tracks`,
    inPath: ['id'],
    grpc: 'ListPlaylistTracks',
  },
  addPlaylistTracks: {
    method: 'post',
    path: (b) => `/v1/playlists/${enc(b.id)}/tracks`,
    inPath: ['id'],
    grpc: 'AddPlaylistTracks',
  },
  removePlaylistTrack: {
    method: 'delete',
    path: (b) => `/v1/playlists/${enc(b.id)}/tracks/${enc(b.position)}`,
    inPath: ['id', 'position'],
    grpc: 'RemovePlaylistTrack',
  },
  movePlaylistTrack: {
    method: 'post',
    path: (b) => `/v1/playlists/${enc(b.id)}/tracks/move`,
    inPath: ['id'],
    grpc: 'MovePlaylistTrack',
  },
  recordPlay: { method: 'post', path: () => '/v1/me/plays', inPath: [], grpc: 'RecordPlay' },
  listHistory: { method: 'get', path: () => '/v1/me/history', inPath: [], grpc: 'ListHistory' },
  deletePlay: { method: 'delete', path: (b) => `/v1/me/history/${enc(b.id)}`, inPath: ['id'], grpc: 'DeletePlay' },
  clearHistory: { method: 'delete', path: () => '/v1/me/history', inPath: [], grpc: 'ClearHistory' },
  trackChart: { method: 'get', path: () => '/v1/charts/tracks', inPath: [], grpc: 'GetTrackChart' },
  artistChart: { method: 'get', path: () => '/v1/charts/artists', inPath: [], grpc: 'GetArtistChart' },
};

export interface LibraryApi {
  readonly name: 'rest' | 'grpc';
  call<T = Body>(op: LibraryOperation, body?: Body, token?: string): Promise<Outcome<T>>;
}

export function restLibrary(httpUrl: string): LibraryApi {
  return {
    name: 'rest',
    async call<T>(op: LibraryOperation, body: Body = {}, token?: string): Promise<Outcome<T>> {
      const route = ROUTES[op];
      const rest = Object.fromEntries(Object.entries(body).filter(([key]) => !route.inPath.includes(key)));
      let req = request(httpUrl)[route.method](route.path(body));
      if (token) {
        req = req.set('authorization', `Bearer ${token}`);
      }
      const response = route.method === 'get' || route.query ? await req.query(rest) : await req.send(rest);
      if (response.status < 400) {
        return { ok: true, body: (response.status === 204 ? {} : response.body) as T };
      }
      const problem = JSON.parse(response.text) as { code: string; detail: string; errors?: Array<{ field: string }> };
      return {
        ok: false,
        code: problem.code,
        detail: problem.detail,
        fields: (problem.errors ?? []).map((e) => e.field),
        internal: response.status >= 500,
      };
    },
  };
}

export function grpcLibrary(client: Client): LibraryApi {
  return {
    name: 'grpc',
    async call<T>(op: LibraryOperation, body: Body = {}, token?: string): Promise<Outcome<T>> {
      const result = await grpcCall<T>(
        client,
        ROUTES[op].grpc,
        body,
        token ? { authorization: `Bearer ${token}` } : {},
      );
      if (!result.error) {
        return { ok: true, body: (result.response ?? {}) as T };
      }
      const metadata = result.error.metadata;
      const violations = metadata.get('chorus-field-violations')[0];
      return {
        ok: false,
        code: String(metadata.get('chorus-error-code')[0] ?? `grpc:${result.error.code}`),
        detail: result.error.details,
        fields: violations ? (JSON.parse(String(violations)) as Array<{ field: string }>).map((v) => v.field) : [],
        internal: result.error.code === GrpcStatus.INTERNAL || result.error.code === GrpcStatus.UNKNOWN,
      };
    },
  };
}
