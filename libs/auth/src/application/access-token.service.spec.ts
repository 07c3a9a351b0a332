import { JwtService } from '@nestjs/jwt';
import { sign } from 'jsonwebtoken';
import { AuthSettings } from '../auth.settings';
import { SecretValue } from '../domain/secret-value';
import { AccessTokenService, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './access-token.service';
import type { AuthCrypto } from './auth-crypto';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';

describe(AccessTokenService.name, () => {
  const settings = Object.assign(new AuthSettings(), {
    AUTH_JWT_SECRET: new SecretValue(SECRET),
    AUTH_JWT_PREVIOUS_SECRET: new SecretValue(''),
    AUTH_ACCESS_TTL: 600,
  });
  const crypto = { randomId: () => 'the-token-id' } as unknown as AuthCrypto;
  const sut = new AccessTokenService(new JwtService({}), crypto, settings);

  afterEach(() => jest.useRealTimers());

  it('should issue the token jsonwebtoken signs for its claims: subject, session, role, issuer, audience, TTL', async () => {
    // Only the clock is fixed: jsonwebtoken's asynchronous sign needs the real nextTick and setImmediate.
    jest.useFakeTimers({
      now: new Date('2026-12-06T20:00:00.500Z'),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    const issued = await sut.issue('user-1', 'admin', 'session-1');
    const expected = sign({ role: 'admin', sid: 'session-1' }, SECRET, {
      algorithm: JWT_ALGORITHM,
      subject: 'user-1',
      jwtid: 'the-token-id',
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      expiresIn: 600,
    });
    expect(issued).toEqual({ token: expected, expiresIn: 600 });
  });

  it('should accept its own tokens and refuse them once tampered with', async () => {
    const { token } = await sut.issue('user-1', 'user', 'session-1');
    await expect(sut.verify(token)).resolves.toMatchObject({ sub: 'user-1', role: 'user', sid: 'session-1' });
    const [header, claims, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    await expect(sut.verify(`${header}.${forged}.${signature}`)).rejects.toThrow('Invalid or expired access token');
  });
});
