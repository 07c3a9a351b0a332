import { DomainError, ErrorCode } from '@app/core';
import { BrokenCircuitError } from 'cockatiel';
import { UnexpectedShapeError } from './json-reader';
import { parseRetryAfter } from './http.client';
import { toDomainError, UpstreamFailure } from './upstream-failure';

describe(toDomainError.name, () => {
  it.each([
    [UpstreamFailure.status(404), ErrorCode.NOT_FOUND],
    [UpstreamFailure.status(400), ErrorCode.INVALID_ARGUMENT],
    [UpstreamFailure.status(429, 2_000), ErrorCode.UPSTREAM_UNAVAILABLE],
    [UpstreamFailure.status(503), ErrorCode.UPSTREAM_UNAVAILABLE],
    [new UpstreamFailure('timeout', 'slow'), ErrorCode.UPSTREAM_TIMEOUT],
    [new UpstreamFailure('too-large', 'big'), ErrorCode.UPSTREAM_UNAVAILABLE],
    [new UpstreamFailure('invalid-body', 'garbage'), ErrorCode.UPSTREAM_UNAVAILABLE],
    [new UpstreamFailure('queue-full', 'busy', { retryAfterMs: 1_500 }), ErrorCode.UPSTREAM_UNAVAILABLE],
    [new BrokenCircuitError(), ErrorCode.UPSTREAM_UNAVAILABLE],
    [new UnexpectedShapeError('$.id is missing'), ErrorCode.UPSTREAM_UNAVAILABLE],
    [new TypeError('boom'), ErrorCode.UPSTREAM_UNAVAILABLE],
  ])('should map %p to %s naming the provider, never INTERNAL', (failure, code) => {
    const sut = toDomainError('deezer', failure);

    expect(sut).toBeInstanceOf(DomainError);
    expect(sut.code).toBe(code);
    expect(sut.message).toContain('deezer');
  });

  it('should round Retry-After up to whole seconds', () => {
    expect(toDomainError('musicbrainz', UpstreamFailure.status(503, 1_200)).retryAfterSeconds).toBe(2);
    expect(toDomainError('musicbrainz', new BrokenCircuitError(), 29_100).retryAfterSeconds).toBe(30);
  });

  it('should say why an open breaker answers at once, and for how long', () => {
    expect(toDomainError('deezer', new BrokenCircuitError(), 9_500).message).toBe(
      'deezer is unavailable: its last calls failed, so it is not asked again for 10 s (circuit open)',
    );
  });

  it('should name the failure that opened the breaker, so a fast answer does not hide the cause', () => {
    const cause = 'connection failed (ENOTFOUND, host name not found: no network or DNS?)';

    expect(toDomainError('deezer', new BrokenCircuitError(), 29_100, cause).message).toBe(
      `deezer is unavailable: its last calls failed (last: ${cause}), so it is not asked again for 30 s (circuit open)`,
    );
  });

  it('should put a connection error code in plain words and keep the code', () => {
    expect(toDomainError('musicbrainz', UpstreamFailure.connection('ENOTFOUND', 'getaddrinfo', null)).message).toBe(
      'musicbrainz is unavailable: connection failed (ENOTFOUND, host name not found: no network or DNS?)',
    );
    expect(UpstreamFailure.connection('EPIPE', 'write EPIPE', null).message).toBe('connection failed (EPIPE)');
    expect(UpstreamFailure.connection(undefined, 'socket hang up', null).message).toBe(
      'connection failed (socket hang up)',
    );
  });

  it('should retry only connection errors, 429 and 502/503/504, and break only on provider faults', () => {
    expect([429, 500, 502, 503, 504, 404].map((s) => UpstreamFailure.status(s).retryable)).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(new UpstreamFailure('connection', 'reset').retryable).toBe(true);
    expect(UpstreamFailure.status(404).breaksCircuit).toBe(false);
    expect(UpstreamFailure.status(500).breaksCircuit).toBe(true);
    expect(new UpstreamFailure('queue-full', 'busy').breaksCircuit).toBe(false);
  });
});

describe(parseRetryAfter.name, () => {
  it('should read delay-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');

    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
