import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { grpcCall, type GrpcResult } from '../support/grpc-client';

export const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

/** Settings for a test app: a known secret, cheap bcrypt, and limits high enough not to interfere. */
export const AUTH_TEST_SETTINGS: Record<string, string> = {
  AUTH_JWT_SECRET: JWT_SECRET,
  AUTH_BCRYPT_COST: '4',
  AUTH_REGISTER_MAX_PER_IP: '100000',
  AUTH_LOGIN_MAX_FAILURES_PER_IP: '100000',
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
};

export const PASSWORD = 'correct horse battery';

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  refreshExpiresAt: string;
}

export interface AuthBody {
  user: { id: string; email: string; role: string; createdAt: string };
  tokens: TokenPair;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function registerRest(httpUrl: string, email = uniqueEmail(), password = PASSWORD): Promise<AuthBody> {
  const response = await request(httpUrl).post('/v1/auth/register').send({ email, password });
  if (response.status !== 201) {
    throw new Error(`register failed: ${response.status} ${response.text}`);
  }
  return response.body as AuthBody;
}

export async function loginRest(httpUrl: string, email: string, password = PASSWORD): Promise<AuthBody> {
  const response = await request(httpUrl).post('/v1/auth/login').send({ email, password });
  if (response.status !== 200) {
    throw new Error(`login failed: ${response.status} ${response.text}`);
  }
  return response.body as AuthBody;
}

/** A gRPC call that must succeed; the error's details are shown when it does not. */
export async function grpcOk<T>(
  client: Client,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const result: GrpcResult<T> = await grpcCall<T>(client, method, body, headers);
  if (result.error) {
    throw new Error(`${method} failed: ${result.error.code} ${result.error.details}`);
  }
  return result.response as T;
}

export async function grpcError(
  client: Client,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ServiceError> {
  const result = await grpcCall(client, method, body, headers);
  if (!result.error) {
    throw new Error(`${method} unexpectedly succeeded: ${JSON.stringify(result.response)}`);
  }
  return result.error;
}

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
