import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadSync } from '@grpc/proto-loader';
import { createAdminCli } from '@app/auth';
import { chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import { AppModule } from '../../apps/api/src/app.module';
import { FakeUpstream } from '../fake-upstream';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

export const JWT_SECRET = 'security-suite-secret-of-at-least-32-bytes';
export const PASSWORD = 'correct horse battery';

export const SECURITY_SETTINGS: Record<string, string> = {
  AUTH_JWT_SECRET: JWT_SECRET,
  AUTH_BCRYPT_COST: '4',
  AUTH_REGISTER_MAX_PER_IP: '100000',
  AUTH_LOGIN_MAX_FAILURES_PER_IP: '100000',
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
};

export interface Account {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

export async function register(httpUrl: string, label = 'user'): Promise<Account> {
  const email = uniqueEmail(label);
  const response = await request(httpUrl).post('/v1/auth/register').send({ email, password: PASSWORD });
  if (response.status !== 201) {
    throw new Error(`register failed: ${response.status} ${response.text}`);
  }
  const body = response.body as { user: { id: string }; tokens: { accessToken: string; refreshToken: string } };
  return { id: body.user.id, email, ...body.tokens };
}

export async function login(httpUrl: string, email: string, password = PASSWORD): Promise<Account> {
  const response = await request(httpUrl).post('/v1/auth/login').send({ email, password });
  if (response.status !== 200) {
    throw new Error(`login failed: ${response.status} ${response.text}`);
  }
  const body = response.body as { user: { id: string }; tokens: { accessToken: string; refreshToken: string } };
  return { id: body.user.id, email, ...body.tokens };
}

/** An account with the admin role, made the way an operator would (the create-admin command). */
export async function admin(httpUrl: string): Promise<Account> {
  const email = uniqueEmail('admin');
  await createAdminCli(AppModule, ['--email', email], { readPassword: () => Promise.resolve(PASSWORD) });
  return login(httpUrl, email);
}

export interface SecuredApp {
  app: TestApp;
  fake: FakeUpstream;
  close(): Promise<void>;
}

/** The real app on a fresh database with the fake providers and the suite's known JWT secret. */
export async function bootSecuredApp(extra: Record<string, string> = {}): Promise<SecuredApp> {
  const fake = new FakeUpstream();
  await fake.start();
  const app = await bootTestApp(upstreamEnv(fake, { ...SECURITY_SETTINGS, ...extra }));
  return {
    app,
    fake,
    close: async () => {
      await app.close();
      await fake.stop();
    },
  };
}

export interface RestOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI template, `/v1/artists/{id}`. */
  path: string;
  pathParams: string[];
  /** `GET /v1/artists/{id}`, as listed in the suites' allow-lists. */
  key: string;
}

/** Every REST operation the running app documents in its OpenAPI document (so new routes are covered at once). */
export async function restOperations(httpUrl: string): Promise<RestOperation[]> {
  const document = (await request(httpUrl).get('/docs-json')).body as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
  };
  const operations: RestOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) {
        continue;
      }
      const fromTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      operations.push({
        method: method as RestOperation['method'],
        path,
        pathParams: [...new Set([...fromTemplate, ...declared])],
        key: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return operations.sort((a, b) => a.key.localeCompare(b.key));
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

export interface GrpcOperation {
  /** `chorus.v1.CatalogService` */
  service: string;
  method: string;
  /** `/chorus.v1.CatalogService/GetArtist` */
  path: string;
  key: string;
  requestFields: Array<{ name: string; type: string; repeated: boolean }>;
}

interface MethodDescriptor {
  path: string;
  originalName?: string;
  options?: { deprecated?: boolean };
  requestType: { type: { field: Array<{ name: string; type: string; label: string; jsonName?: string }> } };
}

/** Every method of every chorus.v1 service, from the same .proto files the server loads. */
export function grpcOperations(): GrpcOperation[] {
  const definition = loadSync(chorusProtoFiles(), PROTO_LOADER_OPTIONS);
  const operations: GrpcOperation[] = [];
  for (const [service, methods] of Object.entries(definition)) {
    if (!service.startsWith('chorus.v1.') || 'format' in methods) {
      continue;
    }
    for (const [method, descriptor] of Object.entries(methods as unknown as Record<string, MethodDescriptor>)) {
      // A deprecated method no server handles answers UNIMPLEMENTED to everyone, before any guard.
      if (descriptor.options?.deprecated) {
        continue;
      }
      operations.push({
        service,
        method,
        path: descriptor.path,
        key: `${service.replace('chorus.v1.', '')}/${method}`,
        requestFields: descriptor.requestType.type.field.map((f) => ({
          // proto-loader leaves jsonName empty (''), so `??` named every field '': clients use the camelCase name.
          name: f.jsonName || f.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()),
          type: f.type,
          repeated: f.label === 'LABEL_REPEATED',
        })),
      });
    }
  }
  return operations.sort((a, b) => a.key.localeCompare(b.key));
}

/** Stack frames, file paths, SQL or driver text: what an error answer must never carry. */
export const INTERNAL_LEAK =
  /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+|QueryFailedError|TypeError|ReferenceError|SELECT |INSERT INTO|duplicate key|violates|ECONNREFUSED|stack/i;
