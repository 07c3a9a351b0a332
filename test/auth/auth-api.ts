import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { grpcCall } from '../support/grpc-client';

/** One call's result on either transport: the body, or the Chorus error code (never a transport detail). */
export type Outcome<T = Record<string, unknown>> =
  | { ok: true; body: T }
  | { ok: false; code: string; detail: string; retryAfter?: string; fields: string[]; internal: boolean };

export type Operation =
  | 'register'
  | 'login'
  | 'refresh'
  | 'logout'
  | 'logoutEverywhere'
  | 'me'
  | 'sessions'
  | 'revokeSession'
  | 'changePassword'
  | 'deleteAccount'
  | 'export'
  | 'loginAttempts'
  | 'listUsers'
  | 'setUserRole';

export interface AuthApi {
  readonly name: 'rest' | 'grpc';
  call<T = Record<string, unknown>>(op: Operation, body?: Record<string, unknown>, token?: string): Promise<Outcome<T>>;
}

interface RestRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  path: (body: Record<string, unknown>) => string;
}

const REST: Record<Operation, RestRoute> = {
  register: { method: 'post', path: () => '/v1/auth/register' },
  login: { method: 'post', path: () => '/v1/auth/login' },
  refresh: { method: 'post', path: () => '/v1/auth/refresh' },
  logout: { method: 'post', path: () => '/v1/auth/logout' },
  logoutEverywhere: { method: 'post', path: () => '/v1/auth/logout-everywhere' },
  me: { method: 'get', path: () => '/v1/me' },
  sessions: { method: 'get', path: () => '/v1/me/sessions' },
  revokeSession: { method: 'delete', path: (body) => `/v1/me/sessions/${String(body.id)}` },
  changePassword: { method: 'post', path: () => '/v1/me/password' },
  deleteAccount: { method: 'delete', path: () => '/v1/me' },
  export: { method: 'get', path: () => '/v1/me/export' },
  loginAttempts: { method: 'get', path: () => '/v1/me/login-attempts' },
  listUsers: { method: 'get', path: () => '/v1/admin/users' },
  setUserRole: { method: 'put', path: (body) => `/v1/admin/users/${String(body.id)}/role` },
};

const GRPC: Record<Operation, string> = {
  register: 'Register',
  login: 'Login',
  refresh: 'Refresh',
  logout: 'Logout',
  logoutEverywhere: 'LogoutEverywhere',
  me: 'GetMe',
  sessions: 'ListSessions',
  revokeSession: 'RevokeSession',
  changePassword: 'ChangePassword',
  deleteAccount: 'DeleteAccount',
  export: 'ExportData',
  loginAttempts: 'ListLoginAttempts',
  listUsers: 'ListUsers',
  setUserRole: 'SetUserRole',
};

export function restApi(httpUrl: string): AuthApi {
  return {
    name: 'rest',
    async call<T>(op: Operation, body: Record<string, unknown> = {}, token?: string): Promise<Outcome<T>> {
      const route = REST[op];
      // The session or user id travels in the path; everything else in the query (GET) or the JSON body.
      const rest =
        op === 'revokeSession' || op === 'setUserRole'
          ? Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'id'))
          : body;
      let req = request(httpUrl)[route.method](route.path(body)).set('user-agent', 'chorus-e2e/1.0');
      if (token) {
        req = req.set('authorization', `Bearer ${token}`);
      }
      const response = route.method === 'get' ? await req.query(rest) : await req.send(rest);
      if (response.status < 400) {
        return { ok: true, body: (response.status === 204 ? {} : response.body) as T };
      }
      const problem = JSON.parse(response.text) as { code: string; detail: string; errors?: Array<{ field: string }> };
      return {
        ok: false,
        code: problem.code,
        detail: problem.detail,
        retryAfter: response.headers['retry-after'],
        fields: (problem.errors ?? []).map((e) => e.field),
        internal: response.status >= 500,
      };
    },
  };
}

export function grpcApi(client: Client): AuthApi {
  return {
    name: 'grpc',
    async call<T>(op: Operation, body: Record<string, unknown> = {}, token?: string): Promise<Outcome<T>> {
      const result = await grpcCall<T>(client, GRPC[op], body, token ? { authorization: `Bearer ${token}` } : {});
      if (!result.error) {
        const response = (result.response ?? {}) as T;
        if (op === 'export') {
          return { ok: true, body: JSON.parse((response as { json: string }).json) as T };
        }
        return { ok: true, body: response };
      }
      const metadata = result.error.metadata;
      const violations = metadata.get('chorus-field-violations')[0];
      return {
        ok: false,
        code: String(metadata.get('chorus-error-code')[0] ?? `grpc:${result.error.code}`),
        detail: result.error.details,
        retryAfter: metadata.get('retry-after')[0] as string | undefined,
        fields: violations ? (JSON.parse(String(violations)) as Array<{ field: string }>).map((v) => v.field) : [],
        internal: result.error.code === GrpcStatus.INTERNAL || result.error.code === GrpcStatus.UNKNOWN,
      };
    },
  };
}

export function expectOk<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) {
    throw new Error(`expected success, got ${outcome.code}: ${outcome.detail}`);
  }
  return outcome.body;
}

export function expectError<T>(outcome: Outcome<T>, code: string): Extract<Outcome<T>, { ok: false }> {
  if (outcome.ok) {
    throw new Error(`expected ${code}, got success: ${JSON.stringify(outcome.body)}`);
  }
  if (outcome.code !== code) {
    throw new Error(`expected ${code}, got ${outcome.code}: ${outcome.detail}`);
  }
  return outcome;
}
