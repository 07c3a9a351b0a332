import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { Validator } from '@seriousme/openapi-schema-validator';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { bootTestApp, type TestApp } from '../support/test-app';

const SERVING = 'SERVING';

describe('Chorus app (both transports)', () => {
  let sut: TestApp;
  let health: Client;
  let auth: Client;

  beforeAll(async () => {
    sut = await bootTestApp({ AUTH_JWT_SECRET: 'x'.repeat(40), AUTH_BCRYPT_COST: '4' });
    health = grpcClient(sut.grpcAddress, 'grpc.health.v1.Health');
    auth = grpcClient(sut.grpcAddress, 'chorus.v1.AuthService');
  });

  afterAll(async () => {
    health.close();
    auth.close();
    await sut.close();
  });

  it('should answer the three HTTP probes', async () => {
    const live = await request(sut.httpUrl).get('/health/live');
    const ready = await request(sut.httpUrl).get('/health/ready');
    const startup = await request(sut.httpUrl).get('/health/startup');
    expect([live.status, ready.status, startup.status]).toEqual([200, 200, 200]);
    expect(ready.body.details.database.status).toBe('up');
    expect(ready.body.details.redis).toMatchObject({ status: 'up', mode: 'redis' });
    expect(startup.body.details.migrations.status).toBe('up');
  });

  it('should answer grpc.health.v1 Check for the server and each Chorus service', async () => {
    const whole = await grpcCall<{ status: string }>(health, 'Check', { service: '' });
    const service = await grpcCall<{ status: string }>(health, 'Check', { service: 'chorus.v1.AuthService' });
    const unknown = await grpcCall(health, 'Check', { service: 'no.such.Service' });
    expect(whole.response?.status).toBe(SERVING);
    expect(service.response?.status).toBe(SERVING);
    expect(unknown.error?.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('should stream grpc.health.v1 Watch updates, starting with the current status', async () => {
    const stream = (
      health as unknown as {
        Watch(request: { service: string }): NodeJS.EventEmitter & { cancel(): void };
      }
    ).Watch({ service: 'chorus.v1.CatalogService' });
    const first = await new Promise<{ status: string }>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.on('error', () => undefined);
    stream.cancel();
    expect(first.status).toBe(SERVING);
  });

  it('should serve an OpenAPI 3 document that validates', async () => {
    const response = await request(sut.httpUrl).get('/docs-json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(response.body);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    const ui = await request(sut.httpUrl).get('/docs');
    expect(ui.status).toBeLessThan(400);
  });

  it('should echo a plain caller request id and replace a hostile one', async () => {
    const kept = await request(sut.httpUrl).get('/health/live').set('x-request-id', 'abc-123');
    const replaced = await request(sut.httpUrl).get('/health/live').set('x-request-id', '<script>alert(1)</script>');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should answer an unknown route with 404 problem+json', async () => {
    const response = await request(sut.httpUrl).get('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.text)).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'Not found' });
  });

  it('should answer an invalid argument over REST with 400 problem+json naming the fields', async () => {
    const response = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .send({ email: 'not-an-email', password: 'long enough password' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = JSON.parse(response.text) as { code: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('INVALID_ARGUMENT');
    expect(problem.errors.map((e) => e.field)).toContain('email');
  });

  it('should reject unknown fields over REST instead of dropping them', async () => {
    const response = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .send({ email: 'a@example.com', password: 'long enough password', role: 'admin' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).errors.map((e: { field: string }) => e.field)).toContain('role');
  });

  it('should answer malformed JSON with 400 and an oversized body with 413, never 500', async () => {
    const malformed = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .set('content-type', 'application/json')
      .send('{"email": ');
    const huge = await request(sut.httpUrl)
      .post('/v1/auth/register')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024) }));
    expect(malformed.status).toBe(400);
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.text).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('should answer the same invalid argument over gRPC with INVALID_ARGUMENT naming the field', async () => {
    const result = await grpcCall(auth, 'Register', { email: 'not-an-email', password: 'long enough password' });
    expect(result.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(result.error?.details).toContain('email');
    expect(result.error?.metadata.get('x-request-id')[0]).toBeTruthy();
  });
});
